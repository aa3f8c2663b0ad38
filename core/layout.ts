import { joinKey } from './storage/storage-key.js';
import type { StorageKey } from './storage/backend.js';

/**
 * Where things live in storage, the same on local disk and under an S3 prefix:
 * `clients/CLIENT/inbox/…` and `clients/CLIENT/outbox/…` (what an AWS Transfer Family logical
 * home directory maps too), and the server's own records under `.airlock/`, which no client
 * path can reach.
 */
export const CLIENTS_FOLDER = 'clients';
export const RECORDS_FOLDER = '.airlock';

/** Where local storage assembles objects before publishing them with a rename. */
export const STAGING_FOLDER = `${RECORDS_FOLDER}/staging`;

export type ClientFolder = 'inbox' | 'outbox';
export const CLIENT_FOLDERS: readonly ClientFolder[] = ['inbox', 'outbox'];

export function clientRootKey(clientId: string): StorageKey {
  return joinKey(CLIENTS_FOLDER, clientId);
}

export function clientKey(clientId: string, folder: ClientFolder, relativePath = ''): StorageKey {
  return joinKey(CLIENTS_FOLDER, clientId, folder, relativePath);
}

export function claimKey(clientId: string, inputName: string): StorageKey {
  return joinKey(RECORDS_FOLDER, 'claims', clientId, `${inputName}.claim`);
}

/**
 * A notice that a marker arrived, written by the gateway beside the marker itself. Processors on
 * S3 list these instead of every inbox, so each pass costs in proportion to the markers waiting,
 * not to the files stored.
 */
export function noticeKey(clientId: string, markerName: string): StorageKey {
  return joinKey(NOTICES_FOLDER, clientId, markerName);
}

export const NOTICES_FOLDER = `${RECORDS_FOLDER}/notices`;

/** Names that clients use while an upload is under way; never treated as complete files. */
export function isTemporaryName(name: string): boolean {
  return name.endsWith('.filepart') || name.endsWith('.partial') || name.startsWith('.in.');
}
