// Writes a synthetic, claims-like CSV of a requested size for the de-identification benchmark.
// The same seed and size always give the same bytes, so benchmark runs compare like with like.
// Every value is made up: names come from a short fixed list, identifiers from a seeded PRNG.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

export const CLAIMS_HEADER = [
  'claim_id', 'member_id', 'first_name', 'last_name', 'ssn', 'birth_date', 'sex', 'zip', 'phone',
  'email', 'service_date', 'discharge_date', 'age', 'diagnosis_code', 'amount_billed', 'notes',
];

const FIRST_NAMES = ['Ada', 'Bram', 'Cleo', 'Dov', 'Edda', 'Finn', 'Gia', 'Hugo', 'Ines', 'Jory'];
const LAST_NAMES = ['Quill', 'Rowan', 'Sable', 'Thorne', 'Umber', 'Vale', 'Wren', 'Yarrow'];
const DIAGNOSES = ['J02.9', 'E11.9', 'I10', 'M54.5', 'R51', 'Z00.00', 'K21.9', 'F41.1'];
const NOTES = [
  'routine follow-up, no change',
  'member called from 555-014-2231 about the bill',
  'resubmitted after denial; see portal https://example.org/claims',
  'email copy sent to member@example.org',
  '',
  'prior auth on file since 03/14/2021',
];

/** A small seeded generator (mulberry32): fast, and identical on every platform. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function digits(random: () => number, count: number): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += Math.floor(random() * 10).toString();
  return text;
}

function pick<T>(random: () => number, choices: readonly T[]): T {
  return choices[Math.floor(random() * choices.length)] as T;
}

function isoDate(random: () => number, fromYear: number, spanYears: number): string {
  const year = fromYear + Math.floor(random() * spanYears);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function claimLine(random: () => number, claimNumber: number): string {
  const memberNumber = Math.floor(random() * 200_000);
  const note = pick(random, NOTES);
  const cells = [
    `C${claimNumber.toString().padStart(10, '0')}`,
    `M${memberNumber.toString().padStart(8, '0')}`,
    pick(random, FIRST_NAMES),
    pick(random, LAST_NAMES),
    `9${digits(random, 2)}-${digits(random, 2)}-${digits(random, 4)}`,
    isoDate(random, 1925, 95),
    random() < 0.5 ? 'F' : 'M',
    `0${digits(random, 4)}`,
    `555${digits(random, 7)}`,
    `m${memberNumber}@example.org`,
    isoDate(random, 2019, 6),
    random() < 0.3 ? isoDate(random, 2019, 6) : '',
    String(Math.floor(random() * 100)),
    pick(random, DIAGNOSES),
    (random() * 5000).toFixed(2),
    note.includes(',') || note.includes(';') ? `"${note}"` : note,
  ];
  return `${cells.join(',')}\n`;
}

/** Parses sizes such as `1GB`, `200MB`, `64KB` or a plain byte count. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  if (match === null) throw new Error('size: expected a number with an optional KB, MB or GB');
  const scale = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(match[2] ?? 'B').toUpperCase()] ?? 1;
  return Math.floor(Number(match[1]) * scale);
}

/** Writes about `targetBytes` (whole lines, never less) to `path`; returns rows and bytes. */
export async function generateClaims(path: string, targetBytes: number, seed = 27): Promise<{ rows: number; bytes: number }> {
  const random = seededRandom(seed);
  const out = createWriteStream(path);
  let bytes = 0;
  let rows = 0;
  let batch = `${CLAIMS_HEADER.join(',')}\n`;

  while (bytes + batch.length < targetBytes) {
    rows += 1;
    batch += claimLine(random, rows);
    if (batch.length < 1 << 20) continue;
    bytes += batch.length;
    if (!out.write(batch)) await once(out, 'drain');
    batch = '';
  }
  bytes += batch.length;
  out.end(batch);
  await once(out, 'finish');
  return { rows, bytes };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [path, size = '1GB'] = process.argv.slice(2);
  if (path === undefined) {
    process.stderr.write('usage: tsx scripts/generate-claims.ts OUT.csv [SIZE, e.g. 1GB or 50MB]\n');
    process.exit(2);
  }
  const result = await generateClaims(path, parseSize(size));
  process.stdout.write(`${path}: ${result.rows} rows, ${result.bytes} bytes\n`);
}
