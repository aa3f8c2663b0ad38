import { createServer, type AddressInfo, type Socket } from 'node:net';

import ssh2 from 'ssh2';

import type { Config } from '../config/load.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { plainAddress } from './address-list.js';
import { Authenticator } from './authentication.js';
import { serveConnection } from './connection.js';
import { ConcurrencyLimit } from './connection-limits.js';
import { loadOrCreateHostKeys, type HostKey } from './host-keys.js';
import { guardMarkers } from './marker-guard.js';
import { isNativeCryptoInUse } from './native-crypto.js';
import { OpenUploads } from './open-uploads.js';
import type { InboxChangeListener } from './sftp/sftp-context.js';
import { coalesceWrites } from './socket-writes.js';
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

// LIMITATION: ssh2 1.17 lists `server-sig-algs` with a missing comma, so `rsa-sha2-512` is not
// advertised and RSA clients sign with rsa-sha2-256 (still SHA-2). Acceptable: Ed25519 is the
// common case and rsa-sha2-256 is sound. Fix: an ssh2 release with the comma restored.

export async function startGateway(deps: GatewayDeps): Promise<RunningGateway> {
  const { config } = deps;
  const log = deps.log.child({ component: 'gateway' });
  const hostKeys = offeredHostKeys(loadOrCreateHostKeys(config.dataDir), config.security.algorithms.serverHostKey);
  const authenticator = new Authenticator(config.file, config.clients, config.limits, config.security, log);
  const clientSessions = new ConcurrencyLimit(config.limits.sessionsPerClient);
  const version = airlockVersion();
  const { algorithms } = config.security;
  // One record of open uploads for every session of this gateway: a marker may come on
  // another connection than its file.
  const suffixes = new Map(config.clients.map((client) => [client.id, client.markerSuffix]));
  const storage = guardMarkers(deps.storage, new OpenUploads(), (clientId) => suffixes.get(clientId));

  const server = new ssh2.Server({
    hostKeys: hostKeys.map((key) => key.privateKey),
    // A truthful identification: clients and scanners see what they are talking to.
    ident: `Airlock_${version}`,
    // A keepalive@openssh.com request after 15 s without traffic: clients and NAT boxes see a
    // live connection while a long request (a server-side copy for a large RENAME) runs, and a
    // client gone without a word is dropped after four unanswered ones.
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    // ssh2 adds the strict key exchange marker (kex-strict-s-v00, the Terrapin countermeasure).
    algorithms: {
      kex: [...algorithms.kex], serverHostKey: [...algorithms.serverHostKey],
      cipher: [...algorithms.cipher], hmac: [...algorithms.mac], compress: ['none'],
    } as ssh2.ServerConfig['algorithms'],
  });
  // Login deadlines run from the TCP accept, so a client that never even sends its SSH
  // identification line cannot hold a connection slot either.
  const loginTimers = new Map<string, NodeJS.Timeout>();
  server.on('connection', (connection, info) => {
    const socketKey = `${plainAddress(info.ip)}:${info.port}`;
    connection.once('ready', () => {
      clearTimeout(loginTimers.get(socketKey));
      loginTimers.delete(socketKey);
    });
    serveConnection(connection, info.ip, {
      ...deps, storage, log, authenticator, clientSessions, onInboxChange: deps.onInboxChange,
    });
  });

  const sockets = new Set<Socket>();
  const perAddress = new ConcurrencyLimit(config.limits.connectionsPerAddress);
  // Our own listener, so every socket gets TCP no-delay before ssh2 sees it: with Nagle on,
  // each small WRITE reply waits for an ACK and uploads crawl (SFTP-SPEED.md). It is also where
  // banned and over-limit addresses are turned away, before any SSH or login work is done.
  const listener = createServer({ noDelay: true }, (socket) => {
    const remoteAddress = plainAddress(socket.remoteAddress ?? '');
    const refusal = admissionRefusal(remoteAddress, sockets.size, perAddress, authenticator, config);
    if (refusal !== undefined) {
      log.warn('connection refused', { remoteAddress, reason: refusal.reason });
      refuseSocket(socket, refusal.message);
      return;
    }
    const release = perAddress.tryTake(remoteAddress) as () => void;
    const socketKey = `${remoteAddress}:${socket.remotePort}`;
    loginTimers.set(socketKey, setTimeout(() => {
      log.info('connection closed at the login time limit', { remoteAddress, authTimeoutMs: config.limits.authTimeoutMs });
      socket.destroy();
    }, config.limits.authTimeoutMs).unref());
    socket.setNoDelay(true);
    coalesceWrites(socket);
    sockets.add(socket);
    socket.once('close', () => {
      clearTimeout(loginTimers.get(socketKey));
      loginTimers.delete(socketKey);
      sockets.delete(socket);
      release();
    });
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

/**
 * The host keys whose algorithms are enabled. ssh2 1.17 offers every key it is given, and with
 * an RSA key it always adds SHA-1 `ssh-rsa` last, whatever the configured list says; so the RSA
 * key is handed over only when an rsa-sha2 algorithm is enabled (it is not by default).
 * LIMITATION: with RSA enabled, `ssh-rsa` is offered too (ssh-audit fails it), though a modern
 * client never picks it. Fix: an ssh2 release that honours the configured host key list.
 */
function offeredHostKeys(hostKeys: HostKey[], enabled: readonly string[]): HostKey[] {
  return hostKeys.filter((key) => {
    const type = key.publicLine.split(' ')[0];
    return type === 'ssh-rsa' ? enabled.some((name) => name.startsWith('rsa-sha2-')) : enabled.includes(type ?? '');
  });
}

interface AdmissionRefusal {
  reason: 'address-banned' | 'connection-limit' | 'address-connection-limit';
  /** One line sent before the SSH identification (RFC 4253, 4.2); OpenSSH prints it. */
  message: string;
}

function admissionRefusal(
  remoteAddress: string, openCount: number, perAddress: ConcurrencyLimit,
  authenticator: Authenticator, config: Config,
): AdmissionRefusal | undefined {
  if (authenticator.lockout.isAddressBanned(remoteAddress)) {
    return { reason: 'address-banned', message: 'too many failed logins from your address; try again later' };
  }
  if (openCount >= config.limits.maxConnections) {
    return { reason: 'connection-limit', message: 'server busy; try again later' };
  }
  if (perAddress.countOf(remoteAddress) >= perAddress.max) {
    return { reason: 'address-connection-limit', message: 'too many connections from your address' };
  }
  return undefined;
}

/** Says why in one line, then closes; the socket never reaches ssh2. */
function refuseSocket(socket: Socket, message: string): void {
  socket.on('error', () => undefined);
  socket.end(`Airlock: ${message}\r\n`);
  setTimeout(() => socket.destroy(), 1000).unref();
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
