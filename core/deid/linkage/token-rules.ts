/**
 * The five OpenToken rules. Each joins normalised fields with "|" in a fixed order; a rule is
 * built only when every one of its fields is present and valid.
 *
 * | rule | signature                                          |
 * | ---- | -------------------------------------------------- |
 * | T1   | LAST \| first initial \| SEX \| birth date         |
 * | T2   | LAST \| FIRST \| birth date \| first 3 of postal   |
 * | T3   | LAST \| FIRST \| SEX \| birth date                 |
 * | T4   | SSN digits \| SEX \| birth date                    |
 * | T5   | LAST \| first 3 of FIRST \| SEX                    |
 */

export const RULE_IDS = ['T1', 'T2', 'T3', 'T4', 'T5'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const FIELD_NAMES = [
  'firstName', 'lastName', 'birthDate', 'sex', 'postalCode', 'ssn',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export const RULE_FIELDS: Readonly<Record<RuleId, readonly FieldName[]>> = {
  T1: ['lastName', 'firstName', 'sex', 'birthDate'],
  T2: ['lastName', 'firstName', 'birthDate', 'postalCode'],
  T3: ['lastName', 'firstName', 'sex', 'birthDate'],
  T4: ['ssn', 'sex', 'birthDate'],
  T5: ['lastName', 'firstName', 'sex'],
};

/**
 * One person's fields, normalised and upper-cased as the rules use them; undefined where the
 * input is missing or invalid.
 */
export interface PreparedPerson {
  lastName: string | undefined;
  firstName: string | undefined;
  sex: string | undefined;
  birthDate: string | undefined;
  postalCode: string | undefined;
  ssn: string | undefined;
}

/** The text that is hashed for `rule`, or undefined when the rule cannot be built. */
export function ruleSignature(rule: RuleId, person: PreparedPerson): string | undefined {
  const { lastName: last, firstName: first, sex, birthDate: born, postalCode: zip, ssn } = person;
  switch (rule) {
    case 'T1':
      return last && first && sex && born ? `${last}|${first[0]}|${sex}|${born}` : undefined;
    case 'T2':
      return last && first && born && zip
        ? `${last}|${first}|${born}|${zip.slice(0, 3)}`
        : undefined;
    case 'T3':
      return last && first && sex && born ? `${last}|${first}|${sex}|${born}` : undefined;
    case 'T4':
      return ssn && sex && born ? `${ssn}|${sex}|${born}` : undefined;
    case 'T5':
      return last && first && sex ? `${last}|${first.slice(0, 3)}|${sex}` : undefined;
  }
}
