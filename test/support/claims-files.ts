import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import assert from 'node:assert/strict';

import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';

/**
 * Synthetic claims files for process-level tests, the profile that fits them, and the result a
 * test expects, computed here from the rules in SPEC.md rather than by the product's code.
 */
export const CLAIMS_PROFILE = {
  columns: { member_id: 'token', last_name: 'drop', birth_date: 'year', zip: 'zip3', amount: 'keep' },
};

const HEADER = 'member_id,last_name,birth_date,zip,amount';

/** The restricted three-digit ZIP prefixes of HHS's Safe Harbor guidance, kept apart from the product's list. */
const RESTRICTED_PREFIXES = new Set([
  '036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893',
]);

function claimsLine(tag: string, row: number): string {
  const zip = row % 7 === 0 ? '05901' : `${String(10_000 + ((row * 37) % 89_000)).padStart(5, '0')}`;
  const birth = `19${50 + (row % 50)}-0${1 + (row % 9)}-1${row % 10}`;
  const member = row % 11 === 5 ? '' : `M-${tag}-${row}`;
  return `${member},Surname${row % 997},${birth},${zip},${row % 5000}.25`;
}

export function claimsText(tag: string, rows: number): string {
  const lines = [HEADER];
  for (let row = 0; row < rows; row += 1) lines.push(claimsLine(tag, row));
  return `${lines.join('\n')}\n`;
}

/** Writes a claims file of many rows without holding it in memory. */
export async function writeClaimsFile(path: string, tag: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (let row = 0; row < rows; row += 1) {
    if (!out.write(`${claimsLine(tag, row)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Checks every cell of a result against the input, with the token recomputed from the key. */
export function assertClaimsResult(inputText: string, outputText: string, tokenKey: Buffer, label: string): void {
  const inputRows = parse(inputText, { columns: true }) as Record<string, string>[];
  const outputRows = parse(outputText, { columns: true }) as Record<string, string>[];
  assert.equal(outputText.split('\n')[0]?.trim(), 'member_id,birth_date,zip,amount', `${label}: header`);
  assert.equal(outputRows.length, inputRows.length, `${label}: rows`);
  const token = (value: string): string =>
    (value.trim() === '' ? '' : createHmac('sha256', tokenKey).update(value.trim(), 'utf8').digest('hex'));
  const zip3 = (value: string): string => (RESTRICTED_PREFIXES.has(value.slice(0, 3)) ? '000' : value.slice(0, 3));
  inputRows.forEach((input, index) => {
    const expected = {
      member_id: token(input.member_id!), birth_date: input.birth_date!.slice(0, 4),
      zip: zip3(input.zip!), amount: input.amount!,
    };
    assert.deepEqual(outputRows[index], expected, `${label}: line ${index + 2}`);
  });
}

/** Every key under a prefix of the bucket, relative to that prefix. */
export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push((object.Key ?? '').slice(prefix.length));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys.sort();
}

export async function readObjectText(client: S3Client, bucket: string, key: string): Promise<string> {
  const found = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return found.Body!.transformToString('utf8');
}
