import { createServer, type AddressInfo, type Socket } from 'node:net';

import ssh2 from 'ssh2';

import type { Config } from '../config/load.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { Authenticator } from './authentication.js';
import { serveConnection } from './connection.js';
import { loadOrCreateHostKeys } from './host-keys.js';
import { isNativeCryptoInUse } from './native-crypto.js';
import type { InboxChangeListener } from './sftp/sftp-context.js';
import { airlockVersion } from './version.js';

export interface GatewayDeps {
  config: Config;
  storage: StorageBackend;
  log: Logger;
  /**
   * Called (and awaited before the client's reply) after a CLOSE of a handle that wrote, and
   * after a RENAME or posix-rename whose target is in an inbox.
   */
  onInboxChange?: InboxChangeListener;
}

export interface RunningGateway {
  host: string;
  port: number;
  hostKeyFingerprints: string[];
  close(): Promise<void>;
}

/**
 * Modern algorithms only: no SHA-1, no CBC, no plain Diffie-Hellman below 2048 bits. ssh2 adds
 * the strict key exchange marker (the Terrapin countermeasure) itself.
 */
const ALGORITHMS = {
  kex: [
    'curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512',
    'diffie-hellman-group14-sha256',
  ],
  serverHostKey: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
  cipher: [
    'chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com',
    'aes128-ctr', 'aes192-ctr', 'aes256-ctr',
  ],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
  compress: ['none'],
};

// LIMITATION: ssh2 1.17 lists `server-sig-algs` with a missing comma, so `rsa-sha2-512` is not
// advertised and RSA clients sign with rsa-sha2-256 (still SHA-2). Acceptable: Ed25519 is the
// common case and rsa-sha2-256 is sound. Fix: an ssh2 release with the comma restored.

/** Unauthenticated connections get this long to log in, so they cannot hold a slot forever. */
const LOGIN_GRACE_MS = 60_000;

export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { config } = deps;
  const log = deps.log.child({ component: 'gateway' });
  const hostKeys = loadOrCreateHostKeys(config.dataDir);
  const authenticator = new Authenticator(config.file, config.clients, config.limits, log);
  const version = airlockVersion();

  const server = new ssh2.Server({
    hostKeys: hostKeys.map((key) => key.privateKey),
    // A truthful identification: clients and scanners see what they are talking to.
    ident: `Airlock_${version}`,
    algorithms: ALGORITHMS as ssh2.ServerConfig['algorithms'],
  });
  server.on('connection', (connection, info) => {
    const graceTimer = setTimeout(() => connection.end(), LOGIN_GRACE_MS).unref();
    connection.once('ready', () => clearTimeout(graceTimer));
    connection.once('close', () => clearTimeout(graceTimer));
    serveConnection(connection, info.ip, { ...deps, log, authenticator, onInboxChange: deps.onInboxChange });
  });

  const sockets = new Set<Socket>();
  // Our own listener, so every socket gets TCP no-delay before ssh2 sees it: with Nagle on,
  // each small WRITE reply waits for an ACK and uploads crawl (SFTP-SPEED.md).
  const listener = createServer({ noDelay: true }, (socket) => {
    if (sockets.size >= config.limits.maxConnections) {
      log.warn('connection refused at the connection limit', { remoteAddress: socket.remoteAddress });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    server.injectSocket(socket);
  });

  const address = await listen(listener, config.listen.host, config.listen.port);
  const hostKeyFingerprints = hostKeys.map((key) => key.fingerprint);
  log.info('gateway listening', {
    host: address.address, port: address.port, version, hostKeyFingerprints,
    nativeCrypto: isNativeCryptoInUse(),
  });

  return {
    host: address.address,
    port: address.port,
    hostKeyFingerprints,
    close: () => closeListener(listener, sockets),
  };
}

function listen(
  listener: ReturnType<typeof createServer>, host: string, port: number,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve(listener.address() as AddressInfo);
    });
  });
}

/** Stops accepting, then ends every open connection; open uploads are aborted by their sessions. */
function closeListener(
  listener: ReturnType<typeof createServer>, sockets: Set<Socket>,
): Promise<void> {
  return new Promise((resolve) => {
    listener.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}
