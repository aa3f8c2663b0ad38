import type { SFTPWrapper } from 'ssh2';

import { framePacket, internalsOf, sendPacket, sshString, uint32 } from './raw-packets.js';

const SSH_FXP_INIT = 1;
const SSH_FXP_VERSION = 2;
const SFTP_VERSION = 3;
/** An INIT larger than this is not a real client's; ssh2's own limit would stop it anyway. */
const MAX_INIT_BYTES = 64 * 1024;

/** The extensions Airlock implements (see extended.ts), each at the revision OpenSSH uses. */
export const ADVERTISED_EXTENSIONS: Readonly<Record<string, string>> = {
  'posix-rename@openssh.com': '1',
  'statvfs@openssh.com': '2',
  'fsync@openssh.com': '1',
  'limits@openssh.com': '1',
};

/**
 * Answers the client's INIT with a VERSION packet that lists Airlock's extensions.
 *
 * Why: ssh2 1.17 in server mode always replies with a bare VERSION (its SERVER_VERSION_BUFFER,
 * no extensions), so OpenSSH's client never asks `limits@openssh.com` and stays at 32 KiB
 * requests (an eighth of the upload speed, see SFTP-SPEED.md), and cannot use posix-rename.
 * How: the INIT packet is taken off the incoming stream before ssh2 parses it, answered here,
 * and ssh2's state is set as its own INIT handler would set it; every later packet goes to ssh2
 * untouched. What would remove this: an ssh2 release that lets a server pass extensions to its
 * VERSION reply.
 */
export function answerInitWithExtensions(sftp: SFTPWrapper): void {
  const internals = internalsOf(sftp);
  const originalPush = internals.push.bind(sftp);
  let pending = Buffer.alloc(0);

  internals.push = (data: Buffer | null): void => {
    if (data === null || internals._version !== -1) return originalPush(data);

    pending = Buffer.concat([pending, data]);
    if (pending.length < 4) return;
    const packetLength = pending.readUInt32BE(0);
    if (packetLength > MAX_INIT_BYTES || pending[4] !== undefined && pending[4] !== SSH_FXP_INIT) {
      // Not an INIT: let ssh2 meet it and fail the session the way it always does.
      return restore(pending);
    }
    if (pending.length < 4 + packetLength) return;

    const rest = pending.subarray(4 + packetLength);
    const clientVersion = packetLength >= 5 ? pending.readUInt32BE(5) : SFTP_VERSION;
    sendPacket(sftp, versionPacket());
    internals._version = Math.min(clientVersion, SFTP_VERSION);
    internals._extensions = {};
    internals.push = originalPush;
    sftp.emit('ready');
    if (rest.length > 0) originalPush(rest);
  };

  function restore(bytes: Buffer): void {
    internals.push = originalPush;
    originalPush(bytes);
  }
}

function versionPacket(): Buffer {
  const extensions = Object.entries(ADVERTISED_EXTENSIONS).flatMap(([name, revision]) => [
    sshString(name),
    sshString(revision),
  ]);
  return framePacket(SSH_FXP_VERSION, Buffer.concat([uint32(SFTP_VERSION), ...extensions]));
}
