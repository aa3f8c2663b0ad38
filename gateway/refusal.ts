import { AirlockError, type AccessCode } from '../core/errors.js';

/**
 * A refusal decided by the gateway itself. Its message is a short fixed phrase written for the
 * client ("outbox is read-only"), so it may be sent as the SFTP status message; errors from
 * storage are answered with the fixed phrase of their code instead, since a backend message
 * could name a storage key.
 */
export class GatewayRefusal extends AirlockError {
  declare readonly code: AccessCode;

  constructor(code: AccessCode, message: string) {
    super(code, message);
    this.name = 'GatewayRefusal';
  }
}

export function refusal(code: AccessCode, message: string): GatewayRefusal {
  return new GatewayRefusal(code, message);
}
