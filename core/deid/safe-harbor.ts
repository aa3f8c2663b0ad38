import type { ActionName, ColumnAction } from './action-schema.js';
import type { IdentifierType } from './identifier-types.js';

/**
 * The `safe-harbor` preset: the action each identifier type gets when a column names only its
 * type, and the actions a column of that type may choose instead. Every choice removes the
 * identifier or reduces it to what 45 CFR 164.514(b)(2) permits: year of dates, first three
 * ZIP digits outside the restricted prefixes, ages over 89 aggregated.
 */
const DEFAULT_ACTION: Readonly<Record<IdentifierType, ColumnAction>> = {
  name: { action: 'drop' }, address: { action: 'drop' }, city: { action: 'drop' },
  county: { action: 'drop' }, geo: { action: 'drop' }, zip: { action: 'zip3' },
  birthDate: { action: 'year', capAge: true }, deathDate: { action: 'year', capAge: false },
  date: { action: 'year', capAge: false }, age: { action: 'topcode', limit: 89 },
  phone: { action: 'drop' }, fax: { action: 'drop' }, email: { action: 'drop' }, ssn: { action: 'drop' },
  mrn: { action: 'drop' }, healthPlan: { action: 'drop' }, account: { action: 'drop' },
  license: { action: 'drop' }, vehicle: { action: 'drop' }, device: { action: 'drop' },
  url: { action: 'drop' }, ip: { action: 'drop' }, biometric: { action: 'drop' },
  photo: { action: 'drop' }, otherId: { action: 'drop' },
  freeText: { action: 'scrub', kinds: ['url', 'email', 'ip', 'ssn', 'phone', 'date', 'recordNumber'] },
  none: { action: 'keep' },
};

// LIMITATION: `token` is allowed for identifier columns although 164.514(c) asks that a
// re-identification code not be derived from the individual's information; a keyed HMAC is
// not reversible without the key, which Airlock never releases, and linkage needs it. A strict
// Safe Harbor release should leave the default (drop). Fix: a `strict` preset without token.
const REMOVING: readonly ActionName[] = ['drop', 'redact', 'token'];

const ALLOWED: Readonly<Record<IdentifierType, readonly ActionName[]>> = {
  ...(Object.fromEntries(Object.keys(DEFAULT_ACTION).map((type) => [type, REMOVING])) as Record<
    IdentifierType,
    readonly ActionName[]
  >),
  zip: ['zip3', 'drop', 'redact'],
  birthDate: ['year', 'drop', 'redact'],
  deathDate: ['year', 'drop', 'redact'],
  date: ['year', 'drop', 'redact'],
  age: ['topcode', 'drop', 'redact'],
  freeText: ['scrub', 'drop', 'redact'],
  none: ['keep', 'drop', 'redact', 'token', 'mask', 'bucket', 'topcode', 'year', 'month', 'zip3', 'scrub'],
};

export function safeHarborAction(type: IdentifierType): ColumnAction {
  return DEFAULT_ACTION[type];
}

/** Why an action breaks the preset for this type, or undefined when it is allowed. */
export function safeHarborProblem(type: IdentifierType, action: ColumnAction): string | undefined {
  if (!ALLOWED[type].includes(action.action)) {
    return `safe-harbor does not allow "${action.action}" for a ${type} column (allowed: ${ALLOWED[type].join(', ')})`;
  }
  const isUncappedBirthYear = type === 'birthDate' && action.action === 'year' && !action.capAge;
  if (isUncappedBirthYear) return 'safe-harbor needs capAge: true on a birthDate year';
  const isAgeLimitTooHigh = type === 'age' && action.action === 'topcode' && action.limit > 89;
  if (isAgeLimitTooHigh) return 'safe-harbor needs a topcode limit of 89 or less on an age column';
  return undefined;
}
