import { ACCESS_MESSAGES, type AccessCode, AirlockError } from '../errors.js';

/** What the SDK puts on a service error; network failures carry neither field. */
interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const CODE_BY_NAME: Record<string, AccessCode> = {
  NoSuchKey: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  AccessDenied: 'DENIED',
  Forbidden: 'DENIED',
  // A missing bucket is the operator's configuration, not the client's path.
  NoSuchBucket: 'INTERNAL',
};

const CODE_BY_STATUS: Record<number, AccessCode> = { 404: 'NOT_FOUND', 403: 'DENIED' };


function shapeOf(error: unknown): S3ErrorShape {
  return typeof error === 'object' && error !== null ? (error as S3ErrorShape) : {};
}

export function s3Status(error: unknown): number | undefined {
  return shapeOf(error).$metadata?.httpStatusCode;
}

/** Translates an S3 or network failure at the backend's edge, keeping the original as `cause`. */
export function fromS3Error(error: unknown): AirlockError {
  if (error instanceof AirlockError) return error;
  const shape = shapeOf(error);
  const name = shape.name ?? shape.Code ?? '';
  const status = shape.$metadata?.httpStatusCode;
  const code = CODE_BY_NAME[name] ?? (status === undefined ? undefined : CODE_BY_STATUS[status]) ?? 'INTERNAL';
  return new AirlockError(code, ACCESS_MESSAGES[code], { cause: error });
}

export async function s3Translated<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw fromS3Error(error);
  }
}

/** A conditional write lost: the key existed (If-None-Match) or had changed (If-Match). */
export function isPreconditionFailed(error: unknown): boolean {
  const shape = shapeOf(error);
  return shape.$metadata?.httpStatusCode === 412 || shape.name === 'PreconditionFailed';
}

/** AWS answers 409 when two conditional writes of one key race; the loser may ask again. */
export function isConditionalConflict(error: unknown): boolean {
  const shape = shapeOf(error);
  return shape.$metadata?.httpStatusCode === 409 || shape.name === 'ConditionalRequestConflict';
}

export function isMissing(error: unknown): boolean {
  return fromS3Error(error).code === 'NOT_FOUND';
}
