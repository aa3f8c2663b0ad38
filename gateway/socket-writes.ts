import type { Socket } from 'node:net';

/**
 * Gathers the socket writes of one pass of the event loop into one `writev`.
 *
 * Why: ssh2 writes every encrypted SSH packet with its own `socket.write`, and with no-delay
 * on, each becomes its own system call and TCP segment. A 255 KiB DATA reply is eight SSH
 * packets and a burst of WRITE acknowledgements is dozens, so on loopback the gateway spent
 * more time in `write` than in the cipher. Corking on the first write and uncorking in the
 * check phase (setImmediate) sends at once every reply that the storage completions of one
 * poll phase produced; no-delay still holds, so nothing waits for an ACK, and no write waits
 * longer than the callbacks already queued in this pass.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let isCorked = false;
  const uncork = (): void => {
    isCorked = false;
    socket.uncork();
  };

  socket.write = ((...args: unknown[]): boolean => {
    if (!isCorked) {
      isCorked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}
