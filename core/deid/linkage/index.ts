import { isoDay } from './birth-date.js';
import { type MatchTokenSealer, createMatchTokenSealer } from './match-token.js';
import type { LinkageSpec } from './linkage-schema.js';
import type { LinkageSecrets } from './linkage-secrets.js';
import { type RawPerson, preparePerson } from './person.js';
import { TokenEncrypter, TokenHasher } from './token-crypto.js';
import { FIELD_NAMES, type RuleId, ruleSignature } from './token-rules.js';

export { linkageSchema, type LinkageSpec, type LinkageFields } from './linkage-schema.js';
export { readLinkageSecrets, type LinkageSecrets } from './linkage-secrets.js';
export { RULE_IDS, RULE_FIELDS, FIELD_NAMES, type RuleId, type FieldName } from './token-rules.js';
export { TokenEncrypter, TokenHasher } from './token-crypto.js';
export {
  createMatchTokenSealer, openMatchToken, type MatchToken, type MatchTokenPayload,
} from './match-token.js';

/** Person-linkage tokens for one profile, computed row by row. */
export interface Linkage {
  /** The token columns, appended to each output row in this order. */
  readonly outputColumns: readonly string[];
  /** The input columns the tokens are built from. */
  readonly inputColumns: readonly string[];
  /**
   * One token per output column for the row whose cells `cell` returns. A rule that cannot be
   * built (a field missing or invalid) gives an empty string: an empty cell, never a token
   * that would link every incomplete record to every other.
   */
  tokensFor(cell: (column: string) => string): string[];
}

type Sealer = MatchTokenSealer | undefined;

function sealerFor(spec: LinkageSpec, key: string | undefined, today: Date): Sealer {
  const { envelope } = spec;
  if (envelope === undefined) return undefined;
  if (key === undefined) throw new RangeError('a match-token envelope needs an encryption key');
  return createMatchTokenSealer(key, envelope.ringId, envelope.issuer, today);
}

/**
 * `today` bounds birth dates (none later is valid) and is the envelopes' issue time; it is
 * fixed when the linkage is created, so one job uses one date from start to end. Secrets stay
 * inside the returned object.
 */
export function createLinkage(
  spec: LinkageSpec,
  secrets: LinkageSecrets,
  today: Date = new Date(),
): Linkage {
  const { hashingSecret, encryptionKey } = secrets;
  const hasher = new TokenHasher(hashingSecret);
  const encrypter = encryptionKey === undefined ? undefined : new TokenEncrypter(encryptionKey);
  const sealer = sealerFor(spec, encryptionKey, today);
  const latestBirthDate = isoDay(today);
  const rules: readonly RuleId[] = [...spec.output];
  const mapped = FIELD_NAMES.filter((field) => spec.fields[field] !== undefined);

  function tokensFor(cell: (column: string) => string): string[] {
    const raw: RawPerson = {};
    for (const field of mapped) raw[field] = cell(spec.fields[field] as string);
    const person = preparePerson(raw, latestBirthDate);

    return rules.map((rule) => {
      const signature = ruleSignature(rule, person);
      if (signature === undefined) return '';
      const token = hasher.hash(signature);
      if (encrypter === undefined) return token;
      const encrypted = encrypter.encrypt(token);
      return sealer === undefined ? encrypted : sealer.seal(rule, encrypted);
    });
  }

  return {
    outputColumns: rules,
    inputColumns: [...new Set(mapped.map((field) => spec.fields[field] as string))],
    tokensFor,
  };
}
