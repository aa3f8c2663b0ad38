import { prepareBirthDate } from './birth-date.js';
import { prepareFirstName } from './first-name.js';
import { prepareLastName } from './last-name.js';
import { preparePostalCode } from './postal-code.js';
import { prepareSex } from './sex.js';
import { prepareSsn } from './ssn.js';
import type { PreparedPerson } from './token-rules.js';

/** Raw cell text per field; undefined where the profile maps no column to the field. */
export interface RawPerson {
  firstName?: string | undefined;
  lastName?: string | undefined;
  birthDate?: string | undefined;
  sex?: string | undefined;
  postalCode?: string | undefined;
  ssn?: string | undefined;
}

function upper(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.toUpperCase();
}

/**
 * Validates and normalises each field once, so five rules cost six field checks per row.
 * `latestBirthDate` is "today" as `YYYY-MM-DD`.
 */
export function preparePerson(raw: RawPerson, latestBirthDate: string): PreparedPerson {
  return {
    firstName: upper(raw.firstName === undefined ? undefined : prepareFirstName(raw.firstName)),
    lastName: upper(raw.lastName === undefined ? undefined : prepareLastName(raw.lastName)),
    sex: upper(raw.sex === undefined ? undefined : prepareSex(raw.sex)),
    birthDate:
      raw.birthDate === undefined ? undefined : prepareBirthDate(raw.birthDate, latestBirthDate),
    postalCode: upper(raw.postalCode === undefined ? undefined : preparePostalCode(raw.postalCode)),
    ssn: raw.ssn === undefined ? undefined : prepareSsn(raw.ssn),
  };
}
