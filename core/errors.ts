/** Failures a client can cause or meet through the SFTP front end. */
export type AccessCode =
  | 'NOT_FOUND'
  | 'DENIED'
  | 'EXISTS'
  | 'NOT_EMPTY'
  | 'UNSUPPORTED' | 'BAD_REQUEST' | 'NO_SPACE' | 'INTERNAL';

/** Short fixed phrases for access failures, fit for a client: no path, key or detail. */
export const ACCESS_MESSAGES: Readonly<Record<AccessCode, string>> = {
  NOT_FOUND: 'no such file or folder',
  DENIED: 'permission denied',
  EXISTS: 'file already exists',
  NOT_EMPTY: 'folder is not empty',
  UNSUPPORTED: 'operation not supported',
  BAD_REQUEST: 'bad request',
  NO_SPACE: 'no space left in storage',
  INTERNAL: 'failure',
};

/** Failures of one job; each becomes the `code` of `NAME.error.json`. */
export type JobCode =
  | 'CHECKSUM_MISMATCH'
  | 'MARKER_WITHOUT_FILE'
  | 'BAD_MARKER'
  | 'UNKNOWN_COLUMN'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'BLANK_COLUMN'
  | 'EMPTY_FILE'
  | 'MALFORMED_CSV'
  | 'RAGGED_ROW'
  | 'RECORD_TOO_LARGE'
  | 'BAD_VALUE'
  | 'BAD_ENCODING'
  | 'BAD_GZIP'
  | 'RELEASE_GATE'
  | 'PROFILE_MISSING'
  | 'STORAGE_FAILURE';

export type ErrorCode = AccessCode | JobCode;

/** Where in an input file a job failed; never the value found there. */
export interface DataLocation {
  line?: number;
  column?: string;
}

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly location: DataLocation;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions & DataLocation) {
    super(message, options);
    this.name = 'AirlockError';
    this.code = code;
    this.location = { line: options?.line, column: options?.column };
  }
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(`invalid configuration ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isAirlockError(error: unknown, code?: ErrorCode): error is AirlockError {
  return error instanceof AirlockError && (code === undefined || error.code === code);
}

/** Node's system error codes, as storage backends meet them. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
