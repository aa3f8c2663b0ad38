import type { SFTPWrapper } from 'ssh2';

import type { StorageBackend } from '../../core/storage/backend.js';
import type { Logger } from '../../core/log.js';
import type { LimitsConfig } from '../../config/schema.js';
import type { ClientView } from '../client-view.js';
import type { HandleTable } from './handle-table.js';
import type { Reply } from './reply-queue.js';
import { STATUS_CODE } from './sftp-status.js';

export type InboxChangeListener = (event: { clientId: string; path: string }) => Promise<void>;

/** What every request handler of one SFTP session works with. */
export interface SftpContext {
  sftp: SFTPWrapper;
  clientId: string;
  view: ClientView;
  storage: StorageBackend;
  handles: HandleTable;
  limits: LimitsConfig;
  /** Logger with the client, connection and remote address already attached. */
  log: Logger;
  onInboxChange: InboxChangeListener | undefined;
}

/** Largest SFTP packet accepted, as ssh2 enforces on incoming packets and limits@ reports. */
export const MAX_PACKET_BYTES = 256 * 1024;
/** Largest READ or WRITE payload: a packet less room for its header, as OpenSSH computes it. */
export const MAX_TRANSFER_BYTES = MAX_PACKET_BYTES - 1024;

export function okReply(context: SftpContext, reqId: number): Reply {
  return () => context.sftp.status(reqId, STATUS_CODE.OK);
}

export function eofReply(context: SftpContext, reqId: number): Reply {
  return () => context.sftp.status(reqId, STATUS_CODE.EOF);
}
