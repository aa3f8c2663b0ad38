import { AirlockError } from '../core/errors.js';

/** Markers are tiny; anything larger is not a marker this gateway wrote or documented. */
export const MAX_MARKER_BYTES = 4096;

/**
 * What a marker asks for: nothing (empty), or the SHA-256 of its upload, bare or as the line
 * `sha256sum NAME` prints (`HEX  NAME`, or `HEX *NAME` in binary mode).
 */
export function expectedChecksum(markerBody: Buffer, inputName: string): string | undefined {
  if (markerBody.length > MAX_MARKER_BYTES) throw new AirlockError('BAD_MARKER', 'marker is larger than 4096 bytes');

  const text = markerBody.toString('utf8').replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;

  const match = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(text);
  if (match === null) throw new AirlockError('BAD_MARKER', 'marker holds neither nothing nor a SHA-256 in hex');

  const [, hex, namedFile] = match;
  if (namedFile !== undefined && baseName(namedFile.trim()) !== inputName) {
    throw new AirlockError('BAD_MARKER', 'marker names a different file than the one it marks');
  }
  return hex!.toLowerCase();
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
