import { createHmac } from 'node:crypto';

import { readDate, shiftDate } from '../dates.js';
import type { ActionFactory } from './action-types.js';

// Keeps offsets apart from tokens: knowing a person's token says nothing about their offset.
const OFFSET_DOMAIN = 'airlock:date-shift:v1\u0000';

/**
 * The person's offset in days: never zero, between -maxDays and +maxDays, the same for every
 * date of that person under one key, so intervals between their dates survive.
 */
export function shiftDays(person: string, tokenKey: Buffer, maxDays: number): number {
  const digest = createHmac('sha256', tokenKey).update(OFFSET_DOMAIN + person.trim(), 'utf8').digest();
  const draw = digest.readUInt32BE(0) % (2 * maxDays);
  return draw < maxDays ? -(draw + 1) : draw - maxDays + 1;
}

export const shift: ActionFactory<'shift'> = (spec, context) => {
  const personIndex = context.columnIndex(spec.by);
  let lastPerson: string | undefined;
  let lastDays = 0;

  return (value, row) => {
    const person = row[personIndex] ?? '';
    const date = readDate(value);
    if (date === undefined || person.trim() === '') return undefined;
    // Rows of one person usually come together; one remembered offset saves most HMACs.
    if (person !== lastPerson) {
      lastPerson = person;
      lastDays = shiftDays(person, context.tokenKey, spec.maxDays);
    }
    return shiftDate(date, lastDays);
  };
};
