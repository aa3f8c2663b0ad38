import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package version, found from this file whether it runs compiled (dist/) or from source. */
function readVersion(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'airlock' && manifest.version !== undefined) return manifest.version;
    }
    folder = dirname(folder);
  }
  return 'unknown';
}

export const AIRLOCK_VERSION = readVersion();
