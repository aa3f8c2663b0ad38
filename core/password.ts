import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes as `scrypt$ln=15,r=8,p=1$SALT$HASH` (salt and hash in base64), so the cost
 * can rise later without invalidating hashes already stored in configurations.
 */
const COST_LOG2 = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Highest cost accepted from a stored hash, so a crafted configuration cannot stall login. */
const MAX_COST_LOG2 = 20;

interface HashParts {
  costLog2: number;
  blockSize: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const parts = { costLog2: COST_LOG2, blockSize: BLOCK_SIZE, parallelism: PARALLELISM, salt };
  const hash = await derive(plain, parts, HASH_BYTES);
  const cost = `ln=${COST_LOG2},r=${BLOCK_SIZE},p=${PARALLELISM}`;
  return `scrypt$${cost}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time check; a malformed stored hash simply fails to match. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parts = parseHash(stored);
  if (parts === undefined) return false;

  const candidate = await derive(plain, parts, parts.hash.length);
  return timingSafeEqual(candidate, parts.hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password with the current cost. Checking an unknown client's password
 * against it costs the same as checking a real one, so neither the answer nor its timing tells
 * whether a client exists.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'));
  return dummyHash;
}

function parseHash(stored: string): HashParts | undefined {
  const match = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (match === null) return undefined;

  const [costLog2, blockSize, parallelism] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const isSaneCost = costLog2 >= 10 && costLog2 <= MAX_COST_LOG2 && blockSize >= 1 && parallelism >= 1;
  const hash = Buffer.from(match[5] ?? '', 'base64');
  if (!isSaneCost || hash.length < 16) return undefined;
  return { costLog2, blockSize, parallelism, salt: Buffer.from(match[4] ?? '', 'base64'), hash };
}

function derive(plain: string, parts: Omit<HashParts, 'hash'>, length: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** parts.costLog2,
    r: parts.blockSize,
    p: parts.parallelism,
    // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is just below that.
    maxmem: 256 * 2 ** parts.costLog2 * parts.blockSize + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFC'), parts.salt, length, options, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}
