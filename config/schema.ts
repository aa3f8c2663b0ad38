import { z } from 'zod';

import { profileSchema } from '../core/deid/profile-schema.js';
import { algorithmsSchema, cidrSchema, publicKeyLineSchema } from './security-schema.js';

const listenSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected HOST:PORT, such as 127.0.0.1:2222')
  .transform((text) => {
    const at = text.lastIndexOf(':');
    const host = text.slice(0, at).replace(/^\[(.*)\]$/, '$1');
    return { host, port: Number(text.slice(at + 1)) };
  })
  .refine((listen) => listen.port <= 65535, 'port must be 65535 or less');

const localStorageSchema = z.object({ type: z.literal('local') }).strict();

const MIB = 1024 * 1024;

/**
 * Defaults of the S3 tuning keys. They are applied by the S3 backend rather than by the schema
 * so that code building an S3 section by hand (tests, provisioning scripts) need not name them.
 */
export const S3_TUNING_DEFAULTS = {
  uploadConcurrency: 4,
  reorderWindowBytes: 32 * MIB,
  readAheadBytes: 8 * MIB,
  readBlockBytes: MIB,
  multipartCopyAboveBytes: 5 * 1024 * MIB,
  copyPartSizeBytes: 512 * MIB,
  listTimes: 'metadata',
  maxAttempts: 3,
  connectTimeoutMs: 5000,
} as const;

const s3StorageSchema = z
  .object({
    type: z.literal('s3'),
    bucket: z.string().min(3),
    /** Every key lives under `PREFIX/`; leading and trailing slashes are ignored. */
    prefix: z
      .string()
      .default('')
      .refine((prefix) => !prefix.split('/').some((part) => part === '.' || part === '..'), 'no "." or ".." segment'),
    region: z.string().default('us-east-1'),
    endpoint: z.string().url().optional(),
    forcePathStyle: z.boolean().default(false),
    /** `WHEN_REQUIRED` for S3-compatible servers that reject streamed checksum trailers. */
    checksums: z.enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED']).default('WHEN_SUPPORTED'),
    partSizeBytes: z.number().int().min(5 * MIB).max(5 * 1024 * MIB).default(8 * MIB),
    /** Parts of one upload sent at once; a client writing faster waits for their replies. */
    uploadConcurrency: z.number().int().min(1).max(32).optional(),
    /** How far past the contiguous end a pipelined client may write out of order. */
    reorderWindowBytes: z.number().int().min(MIB).max(1024 * MIB).optional(),
    /** Bytes fetched ahead of a sequential reader, in ranged GETs of `readBlockBytes`. */
    readAheadBytes: z.number().int().min(0).max(256 * MIB).optional(),
    readBlockBytes: z.number().int().min(64 * 1024).max(64 * MIB).optional(),
    /**
     * Objects from this size up are copied (rename) as parallel UploadPartCopy parts; below it one
     * CopyObject, which radosgw answers by sharing the data (0.45 s for 1 GiB against 4.7 s in
     * parts, scripts/bench-s3.ts), so parts are used only where S3 requires them.
     */
    multipartCopyAboveBytes: z.number().int().min(5 * MIB).max(5 * 1024 * MIB).optional(),
    copyPartSizeBytes: z.number().int().min(5 * MIB).max(5 * 1024 * MIB).optional(),
    /**
     * Where listings take file times from: `metadata` asks HeadObject per file for the times a
     * client set (exact, one request per file); `lastModified` uses what the listing carries.
     */
    listTimes: z.enum(['metadata', 'lastModified']).optional(),
    maxAttempts: z.number().int().min(1).max(10).optional(),
    connectTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  })
  .strict();

const clientIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, "-" or "_", at most 63');

const clientSchema = z
  .object({
    id: clientIdSchema,
    /** Output of `airlock passwd`; never a plain password. */
    password: z.string().regex(/^scrypt\$/, 'expected a hash made by `airlock passwd`').optional(),
    publicKeys: z.array(publicKeyLineSchema).default([]),
    profile: z.string().min(1),
    markerSuffix: z.string().regex(/^\.[A-Za-z0-9._-]+$/).default('.done'),
    keepInputs: z.boolean().default(false),
    /**
     * Addresses this client may log in from (IPv4 or IPv6, single or CIDR); absent means any.
     * A login from elsewhere is refused exactly like a wrong password.
     */
    allowFrom: z.array(cidrSchema).min(1).optional(),
  })
  .strict()
  .refine((client) => client.password !== undefined || client.publicKeys.length > 0, {
    message: 'a client needs a password or at least one public key',
  });

const processorSchema = z
  .object({
    /** How long a file and its marker must be unchanged before a job starts. */
    quietMs: z.number().int().min(0).default(1000),
    /** How often storage is scanned for markers (the only way on S3; a safety net locally). */
    scanIntervalMs: z.number().int().min(100).default(5000),
    /**
     * On S3, how often every inbox is listed, for markers that came without a notice (uploads
     * through AWS Transfer Family, or a gateway that died between marker and notice).
     */
    fullScanIntervalMs: z.number().int().min(1000).default(60_000),
    /** How long a claim stays valid without renewal; a dead processor's jobs wait this long. */
    leaseMs: z.number().int().min(1000).default(60_000),
    concurrency: z.number().int().min(1).max(64).default(2),
  })
  .strict();

/**
 * Bounds on what one client or address can make the gateway hold; each can be raised per
 * deployment. docs/security.md says what happens when each is reached.
 */
const limitsSchema = z
  .object({
    /** Files and folders one SFTP session may have open at once. */
    openHandlesPerSession: z.number().int().min(1).max(4096).default(64),
    /** Connections served at once; further ones are closed on arrival. */
    maxConnections: z.number().int().min(1).default(200),
    /** Connections from one address at once, logged in or not; further ones are closed on arrival. */
    connectionsPerAddress: z.number().int().min(1).default(20),
    /** Logged-in connections of one client at once; a further one is told so and closed. */
    sessionsPerClient: z.number().int().min(1).default(10),
    /** A connection not logged in after this long is closed. */
    authTimeoutMs: z.number().int().min(100).max(10 * 60 * 1000).default(30_000),
    /** A connection that sends no SFTP request for this long is closed; 0 keeps it open. */
    idleTimeoutMs: z.number().int().min(0).default(30 * 60 * 1000),
    /** The largest file a client may upload, in bytes. */
    maxFileBytes: z.number().int().min(1).default(1024 ** 4),
    /**
     * The space each client is told it has (statvfs, `df` in sftp): its inbox and outbox count
     * against it. Reported, not enforced; `maxFileBytes` is the limit uploads meet.
     */
    clientSpaceBytes: z.number().int().min(1).default(1024 ** 4),
    /** The largest SFTP packet accepted; a longer one ends the session (ssh2 caps it at 256 KiB). */
    maxPacketBytes: z.number().int().min(34_000).max(256 * 1024).default(256 * 1024),
    /**
     * SFTP requests of one session received and not yet answered. At the limit the gateway stops
     * granting the client SSH window, so a client writing faster than storage takes its bytes
     * waits instead of filling the gateway's memory.
     */
    requestsInFlightPerSession: z.number().int().min(1).max(1024).default(64),
    /** Failed logins for one client name before that name is banned (any address). */
    loginFailuresBeforeLockout: z.number().int().min(1).default(10),
    /** How long a first ban lasts; each further ban of the same name or address doubles it. */
    lockoutMs: z.number().int().min(0).default(15 * 60 * 1000),
  })
  .strict();

/** Brute-force bans and SSH algorithms; see docs/security.md. */
const securitySchema = z
  .object({
    /** Failed logins from one address (for any names) before that address is banned. */
    addressFailuresBeforeBan: z.number().int().min(1).default(20),
    /** The longest a ban grows to by doubling. */
    maxBanMs: z.number().int().min(0).default(24 * 60 * 60 * 1000),
    /** Addresses and CIDR ranges whose failures are logged but never banned (monitoring, NAT). */
    neverBan: z.array(cidrSchema).default([]),
    algorithms: algorithmsSchema.default({}),
  })
  .strict();

const logSchema = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    file: z.string().optional(),
  })
  .strict();

/**
 * `airlock transfer sync`: the same clients as users of an AWS Transfer Family server in front
 * of the same bucket. Only that command reads this section; the gateway and processor ignore it.
 */
const transferFamilySchema = z
  .object({
    /** The IAM role Transfer Family assumes for every client; required by `transfer sync`. */
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'expected an IAM role ARN, such as arn:aws:iam::123456789012:role/airlock-transfer')
      .optional(),
    /** Put before the client id to make the Transfer user name (`airlock-` gives `airlock-acme`). */
    userNamePrefix: z
      .string()
      .regex(/^([A-Za-z0-9_][A-Za-z0-9_@.-]{0,35})?$/, 'expected at most 36 of a-z, A-Z, 0-9, "_", "-", ".", "@", not starting with "-", "." or "@"')
      .default(''),
    /** Tags put on every Transfer user, beside `airlock:client` (the client id). */
    tags: z
      .record(
        z.string().min(1).max(128).refine((key) => !key.startsWith('aws:') && key !== 'airlock:client', 'this tag key is reserved'),
        z.string().max(256),
      )
      .refine((tags) => Object.keys(tags).length <= 49, 'at most 49 tags')
      .default({}),
  })
  .strict();

export const configSchema = z
  .object({
    listen: listenSchema.default('127.0.0.1:2222'),
    dataDir: z.string().min(1),
    storage: z.discriminatedUnion('type', [localStorageSchema, s3StorageSchema]).default({ type: 'local' }),
    tokenKeyFile: z.string().min(1),
    /** Make a random token key on first start when the file is missing (the embedded default). */
    createTokenKey: z.boolean().default(false),
    /** Printed on standard error once the gateway listens: how to log in, for demos. */
    welcome: z.string().optional(),
    clients: z.array(clientSchema).default([]),
    profiles: z.record(z.string().min(1), profileSchema).default({}),
    processor: processorSchema.default({}),
    log: logSchema.default({}),
    limits: limitsSchema.default({}),
    security: securitySchema.default({}),
    transferFamily: transferFamilySchema.default({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type StorageConfig = ParsedConfig['storage'];
export type S3StorageConfig = z.output<typeof s3StorageSchema>;
export type ClientConfig = ParsedConfig['clients'][number];
export type ProcessorConfig = ParsedConfig['processor'];
export type LimitsConfig = ParsedConfig['limits'];
export type SecurityConfig = ParsedConfig['security'];
export type TransferFamilyConfig = ParsedConfig['transferFamily'];
