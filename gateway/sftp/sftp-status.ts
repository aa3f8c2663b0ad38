import ssh2 from 'ssh2';

import { ACCESS_MESSAGES, isAirlockError, type AccessCode } from '../../core/errors.js';
import { GatewayRefusal } from '../refusal.js';

export const { STATUS_CODE } = ssh2.utils.sftp;

/**
 * The one place where Airlock's errors become SFTP statuses. SFTP v3 (draft-ietf-secsh-filexfer-02,
 * 7) has no "exists", "not empty" or "no space" status, so those are FAILURE with a message, as
 * OpenSSH's own sftp-server answers. A new access code without a status here does not compile.
 */
const STATUS_BY_CODE: Record<AccessCode, number> = {
  NOT_FOUND: STATUS_CODE.NO_SUCH_FILE,
  DENIED: STATUS_CODE.PERMISSION_DENIED,
  EXISTS: STATUS_CODE.FAILURE,
  NOT_EMPTY: STATUS_CODE.FAILURE,
  UNSUPPORTED: STATUS_CODE.OP_UNSUPPORTED,
  BAD_REQUEST: STATUS_CODE.BAD_MESSAGE,
  NO_SPACE: STATUS_CODE.FAILURE,
  INTERNAL: STATUS_CODE.FAILURE,
};


export interface MappedStatus {
  code: number;
  message: string;
  /** The access code, or undefined when the error was not an AirlockError (a bug or a crash). */
  accessCode: AccessCode | undefined;
}

/**
 * A gateway refusal carries a fixed phrase fit for the client; an error from storage gets the
 * fixed phrase of its code. Anything else (a bug, a crash in a library) is FAILURE, no detail.
 */
export function statusOf(error: unknown): MappedStatus {
  if (!isAirlockError(error) || !isAccessCode(error.code)) {
    return { code: STATUS_CODE.FAILURE, message: ACCESS_MESSAGES.INTERNAL, accessCode: undefined };
  }
  const message = error instanceof GatewayRefusal ? error.message : ACCESS_MESSAGES[error.code];
  return { code: STATUS_BY_CODE[error.code], message, accessCode: error.code };
}

function isAccessCode(code: string): code is AccessCode {
  return Object.hasOwn(STATUS_BY_CODE, code);
}
