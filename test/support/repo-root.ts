import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's top folder, whether a test runs from test/ (tsx) or compiled from dist/test/:
 * files that are not compiled (client scripts in Python, fixtures) are found from here.
 */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..').replace(/\/dist$/, '');
