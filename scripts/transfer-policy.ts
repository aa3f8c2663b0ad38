import type { HomeDirectoryMapEntry } from '@aws-sdk/client-transfer';

import type { S3StorageConfig } from '../config/schema.js';
import { clientKey, type ClientFolder } from '../core/layout.js';
import { joinKey } from '../core/storage/storage-key.js';

/** Where one client's folders sit in the bucket: key prefixes, no slash at either end. */
export interface ClientPrefixes {
  readonly inbox: string;
  readonly outbox: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string;
  readonly Condition?: { readonly StringLike: { readonly 's3:prefix': readonly string[] } };
}

export interface SessionPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Transfer Family refuses a user whose policy is longer than this (CreateUser, `Policy`). */
export const MAX_SESSION_POLICY_CHARS = 2048;

/**
 * The configured prefix is a folder: `airlock`, `airlock/` and `/airlock/` all put clients under
 * `airlock/clients/…`, and an empty prefix puts them at the top of the bucket.
 */
export function storagePrefix(storage: S3StorageConfig): string {
  return storage.prefix.replace(/^\/+/, '').replace(/\/+$/, '');
}

export function clientPrefixes(storage: S3StorageConfig, clientId: string): ClientPrefixes {
  const prefixed = (folder: ClientFolder): string =>
    joinKey(storagePrefix(storage), clientKey(clientId, folder));
  return { inbox: prefixed('inbox'), outbox: prefixed('outbox') };
}

/**
 * The client's `/inbox` and `/outbox`, and nothing else, at its root: the same view the SFTP
 * gateway gives, over the very keys the processor scans for markers.
 */
export function homeDirectoryMappings(
  storage: S3StorageConfig,
  clientId: string,
): HomeDirectoryMapEntry[] {
  const prefixes = clientPrefixes(storage, clientId);
  return [
    { Entry: '/inbox', Target: `/${storage.bucket}/${prefixes.inbox}`, Type: 'DIRECTORY' },
    { Entry: '/outbox', Target: `/${storage.bucket}/${prefixes.outbox}`, Type: 'DIRECTORY' },
  ];
}

/** `aws`, `aws-cn` or `aws-us-gov`, taken from the role so that S3 ARNs name the same partition. */
export function partitionOf(roleArn: string): string {
  return roleArn.split(':')[1] ?? 'aws';
}

/**
 * The session policy Transfer Family applies on top of the shared role, so that one role can
 * serve every client while each client reaches only its own folders: list both, read, write and
 * delete in the inbox, read and delete (acknowledge pickup) in the outbox, write nothing there.
 *
 * The prefixes are literal rather than `${transfer:HomeFolder}` and friends: those variables
 * describe a single PATH home directory, while a LOGICAL user has two mappings; and the folder is
 * named after the client id, not the Transfer user name, which may carry `userNamePrefix`.
 * Literal prefixes also make the policy readable on its own in the console.
 */
export function sessionPolicy(
  storage: S3StorageConfig,
  clientId: string,
  partition: string,
): SessionPolicy {
  const { inbox, outbox } = clientPrefixes(storage, clientId);
  const bucketArn = `arn:${partition}:s3:::${storage.bucket}`;

  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ListClientFolders',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: bucketArn,
        Condition: {
          StringLike: {
            's3:prefix': [inbox, `${inbox}/*`, outbox, `${outbox}/*`],
          },
        },
      },
      {
        Sid: 'UploadToInbox',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: `${bucketArn}/${inbox}/*`,
      },
      {
        Sid: 'PickUpFromOutbox',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:DeleteObject'],
        Resource: `${bucketArn}/${outbox}/*`,
      },
    ],
  };
}

// LIMITATION: the session policy grants no KMS actions, so a bucket encrypted with SSE-KMS
// (rather than SSE-S3) refuses every read and write through Transfer Family: a session policy
// caps the role's permissions. Accepted while the documented setup uses SSE-S3. Fix: an optional
// `transferFamily.kmsKeyArn` that adds kms:Decrypt and kms:GenerateDataKey on that key only.
// LIMITATION: no s3:AbortMultipartUpload either, so parts of an interrupted large upload stay
// until the bucket's lifecycle rule for incomplete multipart uploads removes them (see
// docs/transfer-family.md). Fix: grant it on the inbox if operators ask.
