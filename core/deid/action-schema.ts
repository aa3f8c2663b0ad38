import { z } from 'zod';

import { IDENTIFIER_TYPES } from './identifier-types.js';

/**
 * Each column action and its options. A column may also say which kind of identifier it holds
 * (`type`), which the report shows and the Safe Harbor preset uses to choose the action.
 */
const identifierType = z.enum(IDENTIFIER_TYPES);
const base = { type: identifierType.optional() };

const keep = z.object({ action: z.literal('keep'), ...base }).strict();
const drop = z.object({ action: z.literal('drop'), ...base }).strict();
const token = z.object({ action: z.literal('token'), ...base }).strict();
const redact = z.object({ action: z.literal('redact'), with: z.string().default('REDACTED'), ...base }).strict();
const mask = z
  .object({
    action: z.literal('mask'),
    keep: z.number().int().min(0).max(64).default(4),
    char: z.string().length(1).default('*'),
    ...base,
  })
  .strict();

/** `capAge`: a date more than 89 years before `referenceDate` collapses to one year (Safe Harbor). */
const year = z.object({ action: z.literal('year'), capAge: z.boolean().default(false), ...base }).strict();
const month = z.object({ action: z.literal('month'), capAge: z.boolean().default(false), ...base }).strict();
const zip3 = z.object({ action: z.literal('zip3'), ...base }).strict();
const topcode = z.object({ action: z.literal('topcode'), limit: z.number().int().min(0).default(89), ...base }).strict();
const shift = z
  .object({
    action: z.literal('shift'),
    /** The column naming the person, whose keyed hash decides the offset. */
    by: z.string().min(1),
    maxDays: z.number().int().min(1).max(3650).default(365),
    ...base,
  })
  .strict();

export const SCRUB_KINDS = ['url', 'email', 'ip', 'ssn', 'phone', 'date', 'recordNumber'] as const;
export type ScrubKind = (typeof SCRUB_KINDS)[number];
const scrub = z
  .object({
    action: z.literal('scrub'),
    kinds: z.array(z.enum(SCRUB_KINDS)).min(1).default([...SCRUB_KINDS]),
    ...base,
  })
  .strict();

const bucket = z
  .object({
    action: z.literal('bucket'),
    bounds: z.array(z.number().finite()).min(1).max(100),
    labels: z.array(z.string()).optional(),
    ...base,
  })
  .strict();

/** A column that names only its identifier type; the profile's preset picks the action. */
const preset = z.object({ action: z.literal('preset'), type: identifierType }).strict();

export const columnActionSchema = z
  .discriminatedUnion('action', [keep, drop, token, redact, mask, year, month, zip3, topcode, shift, scrub, bucket, preset])
  .superRefine((spec, context) => {
    if (spec.action !== 'bucket') return;
    const isRising = spec.bounds.every((bound, index) => index === 0 || bound > (spec.bounds[index - 1] ?? bound));
    if (!isRising) context.addIssue({ code: 'custom', path: ['bounds'], message: 'bounds must rise strictly' });
    if (spec.labels !== undefined && spec.labels.length !== spec.bounds.length + 1) {
      const message = 'labels needs one entry more than bounds: below the first, between each pair, above the last';
      context.addIssue({ code: 'custom', path: ['labels'], message });
    }
  });

export type ColumnSpec = z.infer<typeof columnActionSchema>;
export type ColumnAction = Exclude<ColumnSpec, { action: 'preset' }>;
export type ActionName = ColumnAction['action'];
export type ActionOf<Name extends ActionName> = Extract<ColumnAction, { action: Name }>;

export const ACTION_NAMES: readonly ActionName[] = [
  'keep', 'drop', 'token', 'redact', 'mask', 'year', 'month', 'zip3', 'topcode', 'shift', 'scrub', 'bucket',
];

/** `zip: zip3` and `SSN: ssn` are shorthands for `{ action: zip3 }` and `{ type: ssn }`. */
export const columnSpecSchema = z.preprocess((spec) => {
  if (typeof spec === 'string') {
    if ((ACTION_NAMES as readonly string[]).includes(spec)) return { action: spec };
    if ((IDENTIFIER_TYPES as readonly string[]).includes(spec)) return { action: 'preset', type: spec };
    return spec;
  }
  const isTypeOnly = typeof spec === 'object' && spec !== null && !('action' in spec) && 'type' in spec;
  return isTypeOnly ? { action: 'preset', ...spec } : spec;
}, columnActionSchema);
