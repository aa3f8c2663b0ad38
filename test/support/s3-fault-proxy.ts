import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What an S3 request does, read from its method and query, as far as a fault needs to know. */
export type S3RequestKind =
  | 'list' | 'head' | 'get' | 'put' | 'copy' | 'delete'
  | 'create-multipart' | 'upload-part' | 'complete-multipart' | 'abort-multipart' | 'other';

export interface S3Request {
  kind: S3RequestKind;
  method: string;
  /** The object key inside the bucket (path-style addressing), '' for bucket-level requests. */
  key: string;
}

/**
 * `status`: answer with an S3 error document and this HTTP status, without asking the server.
 * `reset`: drop the connection without an answer. `cut`: forward, but drop the connection after
 * `afterBytes` of the server's answer body have reached the client.
 */
export type Fault =
  | { action: 'status'; status: 500 | 503 }
  | { action: 'reset' }
  | { action: 'cut'; afterBytes: number };

interface Rule {
  matches: (request: S3Request) => boolean;
  fault: Fault;
}

/**
 * A loopback HTTP proxy in front of one S3 endpoint, for fault tests: it passes everything
 * through until told to refuse connections, or to fail the requests that a rule picks. The Host
 * header is forwarded unchanged, so signatures made for the proxy's address stay valid
 * (path-style addressing: the server reads the bucket from the path, not from the host name).
 */
export class S3FaultProxy {
  /** Requests seen, by kind, and faults applied, for tests that check a fault was met. */
  readonly seen = new Map<S3RequestKind, number>();
  faultsApplied = 0;
  private rules: Rule[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly target: URL) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await this.listen(0);
  }

  /** Fails requests that `matches` picks with `fault` (first matching rule wins). */
  fail(matches: (request: S3Request) => boolean, fault: Fault): void {
    this.rules.push({ matches, fault });
  }

  /** Stops listening and drops every open connection: clients meet ECONNREFUSED. */
  async refuseConnections(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Back to plain pass-through on the same port. */
  async heal(): Promise<void> {
    this.rules = [];
    if (this.server === undefined) await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.rules = [];
    await this.refuseConnections();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((incoming, outgoing) => this.handle(incoming, outgoing));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    this.port = address.port;
    this.server = server;
  }

  private handle(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const described = describe(incoming);
    this.seen.set(described.kind, (this.seen.get(described.kind) ?? 0) + 1);
    const fault = this.rules.find((rule) => rule.matches(described))?.fault;
    if (fault !== undefined) this.faultsApplied += 1;

    if (fault?.action === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (fault?.action === 'status') {
      incoming.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.status === 503 ? 'SlowDown' : 'InternalError'}</Code><Message>injected fault</Message></Error>`;
      outgoing.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      outgoing.end(body);
      return;
    }
    this.forward(incoming, outgoing, fault?.action === 'cut' ? fault.afterBytes : undefined);
  }

  private forward(incoming: IncomingMessage, outgoing: ServerResponse, cutAfterBytes: number | undefined): void {
    const upstream = request({
      host: this.target.hostname, port: this.target.port, method: incoming.method, path: incoming.url,
      headers: incoming.headers,
    }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        if (cutAfterBytes !== undefined && sent + chunk.length > cutAfterBytes) {
          outgoing.write(chunk.subarray(0, Math.max(0, cutAfterBytes - sent)));
          answer.destroy();
          outgoing.socket?.destroy();
          return;
        }
        sent += chunk.length;
        outgoing.write(chunk);
      });
      answer.on('end', () => outgoing.end());
      answer.on('error', () => outgoing.socket?.destroy());
    });
    upstream.on('error', () => outgoing.socket?.destroy());
    incoming.pipe(upstream);
  }
}

function describe(incoming: IncomingMessage): S3Request {
  const url = new URL(incoming.url ?? '/', 'http://proxy');
  const [, , ...keyParts] = url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  const method = incoming.method ?? 'GET';
  const query = url.searchParams;
  return { kind: kindOf(method, key, query, incoming.headers['x-amz-copy-source'] !== undefined), method, key };
}

function kindOf(method: string, key: string, query: URLSearchParams, isCopy: boolean): S3RequestKind {
  if (method === 'GET') return key === '' ? 'list' : 'get';
  if (method === 'HEAD') return 'head';
  if (method === 'DELETE') return query.has('uploadId') ? 'abort-multipart' : 'delete';
  if (method === 'POST') {
    if (query.has('uploads')) return 'create-multipart';
    if (query.has('uploadId')) return 'complete-multipart';
    return 'other';
  }
  if (method === 'PUT') {
    if (query.has('uploadId')) return 'upload-part';
    return isCopy ? 'copy' : 'put';
  }
  return 'other';
}
