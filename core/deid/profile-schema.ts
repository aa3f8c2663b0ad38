import { z } from 'zod';

import { columnSpecSchema, type ColumnAction, type ColumnSpec } from './action-schema.js';
import { linkageSchema } from './linkage/index.js';
import { safeHarborAction, safeHarborProblem } from './safe-harbor.js';

export type { ActionName, ColumnAction } from './action-schema.js';
export { columnActionSchema } from './action-schema.js';

const ONE_MIB = 1024 * 1024;

const profileObjectSchema = z
  .object({
    unknownColumns: z.enum(['reject', 'drop']).default('reject'),
    /** Declared delimiter; detected from the header line when absent. */
    delimiter: z.enum([',', '\t', '|', ';']).optional(),
    encoding: z.enum(['utf-8', 'latin1', 'windows-1252']).default('utf-8'),
    /** `safe-harbor`: columns may name only their identifier type, and actions are checked. */
    preset: z.literal('safe-harbor').optional(),
    /** A value an action cannot read (a date that is not one, an age that is not a number). */
    badValues: z.enum(['error', 'blank']).default('error'),
    /** A row with more or fewer fields than the header, or one the CSV parser cannot read. */
    badRows: z.enum(['fail', 'reject']).default('fail'),
    maxRecordBytes: z.number().int().min(1024).max(64 * ONE_MIB).default(ONE_MIB),
    /** `prefix`: a cell starting with = + - @ gets a leading `'`, so spreadsheets show text. */
    formulaGuard: z.enum(['off', 'prefix']).default('off'),
    /** The day ages are counted to for `capAge`; today (UTC) when absent. */
    referenceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').optional(),
    releaseGate: z
      .object({ allow: z.array(z.string().min(1)).default([]) })
      .strict()
      .default({}),
    columns: z.record(z.string().min(1), columnSpecSchema),
    /** Person-linkage tokens appended as new columns (docs/linkage.md). */
    linkage: linkageSchema.optional(),
  })
  .strict();

type ProfileObject = z.infer<typeof profileObjectSchema>;

export const profileSchema = profileObjectSchema.superRefine(checkProfile).transform(resolvePreset);

export type Profile = z.infer<typeof profileSchema> & { name: string };

function checkProfile(profile: ProfileObject, context: z.RefinementCtx): void {
  const problem = (path: (string | number)[], message: string): void =>
    context.addIssue({ code: 'custom', path, message });

  for (const [column, spec] of Object.entries(profile.columns)) {
    const path = ['columns', column];
    if (spec.action === 'shift' && profile.columns[spec.by] === undefined) {
      problem([...path, 'by'], `"${spec.by}" is not a column of this profile`);
    }
    if (profile.preset === undefined) {
      if (spec.action === 'preset') problem(path, 'no action given, and the profile has no preset to choose one');
      continue;
    }
    if (spec.type === undefined) {
      problem(path, 'a safe-harbor profile needs the type of every column (use type: none for non-identifiers)');
      continue;
    }
    const reason = spec.action === 'preset' ? undefined : safeHarborProblem(spec.type, spec);
    if (reason !== undefined) problem(path, reason);
  }
  for (const column of profile.releaseGate.allow) {
    if (profile.columns[column] === undefined) problem(['releaseGate', 'allow'], `"${column}" is not a column of this profile`);
  }
  checkLinkage(profile, problem);
  if (profile.referenceDate !== undefined && Number.isNaN(Date.parse(profile.referenceDate))) {
    problem(['referenceDate'], 'not a calendar date');
  }
}

/** Linkage reads named columns and appends its own: both must fit the profile's columns. */
function checkLinkage(profile: ProfileObject, problem: (path: (string | number)[], message: string) => void): void {
  if (profile.linkage === undefined) return;
  for (const [field, column] of Object.entries(profile.linkage.fields)) {
    const isNamed = column === undefined || profile.columns[column] !== undefined || profile.unknownColumns === 'drop';
    if (!isNamed) problem(['linkage', 'fields', field], `"${column}" is not a column of this profile`);
  }
  profile.linkage.output.forEach((rule, index) => {
    const spec = profile.columns[rule];
    if (spec !== undefined && spec.action !== 'drop') {
      problem(['linkage', 'output', index], `${rule} is also an output column of this profile`);
    }
  });
}

function resolvePreset(profile: ProfileObject): Omit<ProfileObject, 'columns'> & { columns: Record<string, ColumnAction> } {
  const resolve = (spec: ColumnSpec): ColumnAction =>
    spec.action === 'preset' ? { ...safeHarborAction(spec.type), type: spec.type } : spec;
  const columns = Object.fromEntries(Object.entries(profile.columns).map(([name, spec]) => [name, resolve(spec)]));
  return { ...profile, columns };
}
