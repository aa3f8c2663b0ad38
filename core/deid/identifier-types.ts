/**
 * What kind of identifier a column holds. Each type maps to one of the 18 identifier classes of
 * the HIPAA Safe Harbor method (45 CFR 164.514(b)(2)(i), items A to R); `freeText` may hold any
 * of them and `none` is not an identifier (codes, amounts, descriptions).
 */
export const IDENTIFIER_TYPES = [
  'name', 'address', 'city', 'county', 'zip', 'geo', 'birthDate', 'deathDate', 'date', 'age',
  'phone', 'fax', 'email', 'ssn', 'mrn', 'healthPlan', 'account', 'license', 'vehicle', 'device',
  'url', 'ip', 'biometric', 'photo', 'otherId', 'freeText', 'none',
] as const;

export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** The Safe Harbor class names, in the order of the regulation (A to R). */
export type IdentifierClass =
  | 'names' | 'geographic' | 'dates' | 'telephone' | 'fax' | 'email' | 'ssn' | 'medicalRecord'
  | 'healthPlan' | 'account' | 'license' | 'vehicle' | 'device' | 'url' | 'ip' | 'biometric'
  | 'photo' | 'otherUnique';

export const IDENTIFIER_CLASS: Readonly<Record<IdentifierType, IdentifierClass | undefined>> = {
  name: 'names',
  address: 'geographic', city: 'geographic', county: 'geographic', zip: 'geographic', geo: 'geographic',
  birthDate: 'dates', deathDate: 'dates', date: 'dates', age: 'dates',
  phone: 'telephone', fax: 'fax', email: 'email', ssn: 'ssn', mrn: 'medicalRecord',
  healthPlan: 'healthPlan', account: 'account', license: 'license', vehicle: 'vehicle',
  device: 'device', url: 'url', ip: 'ip', biometric: 'biometric', photo: 'photo',
  otherId: 'otherUnique',
  freeText: undefined,
  none: undefined,
};
