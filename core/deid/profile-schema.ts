import { z } from 'zod';

/**
 * A column's action, written either as a bare name (`zip: zip3`) or as an object
 * (`phone: { action: mask, keep: 4 }`). Each action's own options are checked here, so a
 * profile mistake stops start-up instead of failing the first job.
 */
const keep = z.object({ action: z.literal('keep') }).strict();
const drop = z.object({ action: z.literal('drop') }).strict();
const token = z.object({ action: z.literal('token') }).strict();
const redact = z.object({ action: z.literal('redact'), with: z.string().default('REDACTED') }).strict();
const mask = z
  .object({ action: z.literal('mask'), keep: z.number().int().min(0).default(4), char: z.string().length(1).default('*') })
  .strict();
const year = z.object({ action: z.literal('year') }).strict();
const month = z.object({ action: z.literal('month') }).strict();
const zip3 = z.object({ action: z.literal('zip3') }).strict();
const topcode = z.object({ action: z.literal('topcode'), limit: z.number().int().min(0).default(89) }).strict();

export const columnActionSchema = z.discriminatedUnion('action', [
  keep, drop, token, redact, mask, year, month, zip3, topcode,
]);

export type ColumnAction = z.infer<typeof columnActionSchema>;
export type ActionName = ColumnAction['action'];

const columnSpecSchema = z.preprocess(
  (spec) => (typeof spec === 'string' ? { action: spec } : spec),
  columnActionSchema,
);

export const profileSchema = z
  .object({
    unknownColumns: z.enum(['reject', 'drop']).default('reject'),
    /** Declared delimiter; detected from the header line when absent. */
    delimiter: z.enum([',', '\t', '|', ';']).optional(),
    columns: z.record(z.string().min(1), columnSpecSchema),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema> & { name: string };
