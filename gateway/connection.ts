import { randomUUID } from 'node:crypto';

import type { Connection, ServerChannel, Session, SFTPWrapper } from 'ssh2';

import type { Config } from '../config/load.js';
import type { ClientConfig } from '../config/schema.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import type { Authenticator } from './authentication.js';
import { ClientView } from './client-view.js';
import type { ConcurrencyLimit } from './connection-limits.js';
import { RequestFlow } from './request-flow.js';
import { HandleTable } from './sftp/handle-table.js';
import type { InboxChangeListener } from './sftp/sftp-context.js';
import { serveSftp, type SessionActivity } from './sftp/sftp-session.js';

export interface ConnectionDeps {
  config: Config;
  storage: StorageBackend;
  log: Logger;
  authenticator: Authenticator;
  /** Logged-in connections per client id. */
  clientSessions: ConcurrencyLimit;
  onInboxChange: InboxChangeListener | undefined;
}

const SFTP_ONLY = 'Airlock offers SFTP only: use an SFTP client (sftp, WinSCP, FileZilla).\r\n';

/** One SSH connection: login, then SFTP sessions; everything else is refused at once. */
export function serveConnection(
  connection: Connection, remoteAddress: string, deps: ConnectionDeps,
): void {
  const connectionId = randomUUID().slice(0, 8);
  let log = deps.log.child({ connectionId, remoteAddress });
  let client: ClientConfig | undefined;

  connection.on('authentication', (context) => {
    const onLogin = (accepted: ClientConfig): void => {
      client = accepted;
    };
    deps.authenticator.decide(context, remoteAddress, onLogin).catch(
      (error: unknown) => {
        log.error('login check failed', { errorName: (error as Error)?.name });
        context.reject();
      },
    );
  });

  connection.on('ready', () => {
    if (client === undefined) return connection.end();
    log = log.child({ client: client.id });
    const loggedIn = client;
    const releaseSlot = deps.clientSessions.tryTake(loggedIn.id);
    if (releaseSlot === undefined) return refuseOverLimit(connection, log, deps.clientSessions.max);
    connection.once('close', releaseSlot);

    const idleLimit = idleTimer(deps.config.limits.idleTimeoutMs, log, () => connection.end());
    connection.once('close', idleLimit.onClose);
    let openSessions = 0;
    connection.on('session', (accept) => {
      // The connection's own idle timer rests while a session has one of its own, and starts
      // again when the last session closes, so an empty connection cannot be held open.
      idleLimit.onClose();
      openSessions += 1;
      const session = accept();
      session.once('close', () => {
        openSessions -= 1;
        if (openSessions === 0) idleLimit.onRequest();
      });
      serveSession(session, loggedIn, log, deps, () => connection.end());
    });
    connection.on('tcpip', (_accept, reject) => refuse(log, 'port forwarding', reject));
    connection.on('openssh.streamlocal', (_accept, reject) => refuse(log, 'socket forwarding', reject));
    connection.on('request', (accept, reject, name) => refuse(log, `global request ${name}`, reject));
  });

  connection.on('error', (error: Error & { level?: string }) => {
    log.info('connection error', { errorName: error.name, errorLevel: error.level });
  });
  connection.on('close', () => log.debug('connection closed'));
}

function serveSession(
  session: Session, client: ClientConfig, log: Logger, deps: ConnectionDeps, endConnection: () => void,
): void {
  session.on('pty', (_accept, reject) => refuse(log, 'pty', reject));
  session.on('x11', (_accept, reject) => refuse(log, 'x11', reject));
  session.on('auth-agent', (_accept, reject) => refuse(log, 'agent forwarding', reject));
  session.on('env', (accept) => accept?.());
  session.on('shell', (accept) => sayOnlySftp(accept(), log, 'shell'));
  session.on('exec', (accept) => sayOnlySftp(accept(), log, 'exec'));
  session.on('subsystem', (_accept, reject, info) => refuse(log, `subsystem ${info.name.slice(0, 32)}`, reject));

  // Accept at once: the client sends its INIT right behind the subsystem request, and ssh2
  // drops channel data that arrives before the channel is accepted.
  session.on('sftp', (accept) => {
    const view = new ClientView(client.id, deps.storage);
    const foldersReady = view.ensureFolders();
    foldersReady.catch((error: unknown) => {
      log.error('client folders could not be made', { errorName: (error as Error)?.name });
      endConnection();
    });
    startSftp(accept(), view, foldersReady, client, log, deps, endConnection);
  });
}

function startSftp(
  sftp: SFTPWrapper, view: ClientView, foldersReady: Promise<void>, client: ClientConfig, log: Logger,
  deps: ConnectionDeps, endConnection: () => void,
): void {
  const limits = deps.config.limits;
  const context = {
    sftp, clientId: client.id, view, storage: deps.storage, limits, log,
    handles: new HandleTable(limits.openHandlesPerSession), onInboxChange: deps.onInboxChange,
  };
  const flow = new RequestFlow(sftp, limits.requestsInFlightPerSession, limits.maxPacketBytes);
  // Protocol breakage (a malformed or oversized packet) ends the connection, not only the channel.
  sftp.on('error', (error: Error & { level?: string }) => {
    if (error.level === 'sftp-protocol') endConnection();
  });
  const idle = idleTimer(limits.idleTimeoutMs, log, endConnection);
  log.debug('sftp session started');
  serveSftp(context, foldersReady, {
    onRequest: () => {
      idle.onRequest();
      flow.onRequest();
    },
    onReplied: () => flow.onReplied(),
    onClose: () => {
      idle.onClose();
      log.debug('sftp session ended', { peakRequestsInFlight: flow.peakInFlight });
    },
  });
}

const OVER_SESSION_LIMIT = 'Airlock: this client has too many connections open; close one and try again.\r\n';

/**
 * A client at its session limit: the login was right, so the client is told why in words on
 * its first channel (OpenSSH's sftp prints a subsystem's stderr), then the connection ends.
 */
function refuseOverLimit(connection: Connection, log: Logger, maxSessions: number): void {
  log.warn('connection refused at the client session limit', { sessionsPerClient: maxSessions });
  connection.on('session', (accept) => {
    const session = accept();
    const tell = (channel: ServerChannel): void => {
      channel.stderr.write(OVER_SESSION_LIMIT);
      channel.exit(1);
      // The client closes the connection itself once the channel is closed; ending it here
      // would make OpenSSH exit before printing the line.
      channel.end();
    };
    session.on('subsystem', (accept) => tell(accept()));
    session.on('shell', (accept) => tell(accept()));
    session.on('exec', (accept) => tell(accept()));
  });
  setTimeout(() => connection.end(), 5000).unref();
}

/** Ends the connection after `idleMs` without an SFTP request; 0 turns this off. */
function idleTimer(idleMs: number, log: Logger, endConnection: () => void): SessionActivity {
  let timer: NodeJS.Timeout | undefined;
  const onRequest = (): void => {
    if (idleMs === 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      log.info('idle connection closed', { idleMs });
      endConnection();
    }, idleMs).unref();
  };
  onRequest();
  return { onRequest, onClose: () => clearTimeout(timer) };
}

/** A shell or a command gets one clear line on stderr and exit status 1, then the channel ends. */
function sayOnlySftp(channel: ServerChannel, log: Logger, what: string): void {
  log.info('request refused', { request: what });
  channel.stderr.write(SFTP_ONLY);
  channel.exit(1);
  channel.end();
}

function refuse(log: Logger, what: string, reject: (() => void) | undefined): void {
  log.info('request refused', { request: what });
  reject?.();
}
