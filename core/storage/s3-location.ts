import { S3Client } from '@aws-sdk/client-s3';

import { S3_TUNING_DEFAULTS, type S3StorageConfig } from '../../config/schema.js';
import type { EntryStat, StorageKey } from './backend.js';
import { checkedKey } from './storage-key.js';

export type S3Settings = S3StorageConfig & Required<Pick<S3StorageConfig, keyof typeof S3_TUNING_DEFAULTS>>;

export function withS3Defaults(config: S3StorageConfig): S3Settings {
  const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  return { ...S3_TUNING_DEFAULTS, ...defined } as S3Settings;
}

/**
 * Credentials come from the SDK's default chain (environment, shared profile, instance or
 * container role); the YAML never holds them.
 */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: settings.checksums,
    responseChecksumValidation: settings.checksums,
    maxAttempts: settings.maxAttempts,
    requestHandler: { connectionTimeout: settings.connectTimeoutMs },
  });
}

/** Where a storage key lives in the bucket: `PREFIX/` + key; a folder marker ends in `/`. */
export class S3Location {
  readonly root: string;

  constructor(readonly bucket: string, prefix: string) {
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    this.root = trimmed === '' ? '' : `${trimmed}/`;
  }

  objectKey(key: StorageKey): string {
    return this.root + checkedKey(key);
  }

  /** The prefix under which a folder's entries live; the root folder is the key `''`. */
  folderPrefix(key: StorageKey): string {
    return key === '' ? this.root : `${this.objectKey(key)}/`;
  }

  storageKey(objectKey: string): StorageKey {
    return objectKey.slice(this.root.length);
  }

  /** CopySource encoded one segment at a time, or keys with `+`, `=` or `&` break. */
  copySource(objectKey: string): string {
    const segments = objectKey.split('/').map(encodeURIComponent);
    return `${encodeURIComponent(this.bucket)}/${segments.join('/')}`;
  }
}

/** Times a client set are kept as object metadata, in milliseconds since the epoch. */
export interface TimesMetadata {
  mtime?: string;
  atime?: string;
}

export function timesMetadata(atimeMs: number, mtimeMs: number): Record<string, string> {
  return { atime: String(Math.round(atimeMs)), mtime: String(Math.round(mtimeMs)) };
}

export function fileStat(size: number, lastModified: Date | undefined, metadata?: TimesMetadata): EntryStat {
  const modifiedMs = lastModified?.getTime() ?? 0;
  const mtimeMs = parseMs(metadata?.mtime) ?? modifiedMs;
  return { isDirectory: false, size, mtimeMs, atimeMs: parseMs(metadata?.atime) ?? mtimeMs };
}

export function folderStat(mtimeMs = 0): EntryStat {
  return { isDirectory: true, size: 0, atimeMs: mtimeMs, mtimeMs };
}

function parseMs(text: string | undefined): number | undefined {
  const value = Number(text);
  return text === undefined || !Number.isFinite(value) ? undefined : value;
}
