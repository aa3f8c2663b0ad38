import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Airlock's version from its package.json, found by walking up from this file, which sits one
 * folder deeper when compiled to dist/ than when run from source.
 */
export function airlockVersion(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'airlock' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json at this level; keep walking up.
    }
    folder = dirname(folder);
  }
  return 'unknown';
}
