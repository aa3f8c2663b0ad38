import { CLIENTS_FOLDER, clientKey, isTemporaryName, NOTICES_FOLDER } from '../core/layout.js';
import type { StorageKey } from '../core/storage/backend.js';

/** A marker found in storage: `clients/CLIENT/inbox/NAME.done` says `NAME` is complete. */
export interface Marker {
  clientId: string;
  /** The name of the marked upload, inside the inbox. */
  inputName: string;
  markerKey: StorageKey;
  inputKey: StorageKey;
}

/**
 * Reads a storage key as a marker, or undefined when it is not one. Only files directly in an
 * inbox count: sub-folders are the client's own staging space.
 */
export function markerFromKey(key: StorageKey, suffixFor: (clientId: string) => string | undefined): Marker | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[0] !== CLIENTS_FOLDER || parts[2] !== 'inbox') return undefined;

  const [, clientId, , name] = parts as [string, string, string, string];
  const suffix = suffixFor(clientId);
  if (suffix === undefined || !name.endsWith(suffix) || isTemporaryName(name)) return undefined;

  // A marker naming a temporary name marks nothing: such a name is an upload still under way.
  const inputName = name.slice(0, -suffix.length);
  if (inputName === '' || isTemporaryName(inputName)) return undefined;
  return { clientId, inputName, markerKey: key, inputKey: clientKey(clientId, 'inbox', inputName) };
}

/** The marker a gateway's notice (`.airlock/notices/CLIENT/MARKER`) points at. */
export function markerFromNotice(key: StorageKey, suffixFor: (clientId: string) => string | undefined): Marker | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== NOTICES_FOLDER) return undefined;
  const [, , clientId, markerName] = parts as [string, string, string, string];
  return markerFromKey(clientKey(clientId, 'inbox', markerName), suffixFor);
}

export function markerId(marker: Marker): string {
  return `${marker.clientId}/${marker.inputName}`;
}
