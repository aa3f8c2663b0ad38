import { ACCESS_MESSAGES, AirlockError, errnoCode, type AccessCode } from '../errors.js';

const CODE_BY_ERRNO: Record<string, AccessCode> = {
  ENOENT: 'NOT_FOUND',
  ENOTDIR: 'NOT_FOUND',
  EACCES: 'DENIED',
  EPERM: 'DENIED',
  ELOOP: 'DENIED',
  EISDIR: 'DENIED',
  EEXIST: 'EXISTS',
  ENOTEMPTY: 'NOT_EMPTY',
  ENOSPC: 'NO_SPACE',
  EDQUOT: 'NO_SPACE',
  EFBIG: 'NO_SPACE',
};


/** Translates a file system error at the backend's edge, keeping the original as `cause`. */
export function fromFileSystemError(error: unknown): AirlockError {
  if (error instanceof AirlockError) return error;
  const code = CODE_BY_ERRNO[errnoCode(error) ?? ''] ?? 'INTERNAL';
  return new AirlockError(code, ACCESS_MESSAGES[code], { cause: error });
}

export async function translated<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw fromFileSystemError(error);
  }
}
