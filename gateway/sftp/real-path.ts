import type { Attributes } from 'ssh2';

import { resolveClientPath } from '../client-path.js';
import type { Reply } from './reply-queue.js';
import type { SftpContext } from './sftp-context.js';

/** No attribute flags: REALPATH's reply carries a dummy attributes block (6.11). */
const NO_ATTRIBUTES = {} as Attributes;

/**
 * REALPATH (6.11) answers the canonical absolute form without touching storage: clients ask it
 * of names they are about to create, and `.` is how they learn that their home is `/`.
 */
export async function realPath(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const path = resolveClientPath(requested);
  return () => context.sftp.name(reqId, [{ filename: path.text, longname: path.text, attrs: NO_ATTRIBUTES }]);
}
