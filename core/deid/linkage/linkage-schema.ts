import { z } from 'zod';

import { FIELD_NAMES, RULE_FIELDS, RULE_IDS, type RuleId } from './token-rules.js';

const columnName = z.string().min(1);

/** Which input column holds each field; a field a chosen rule needs must be named. */
const fieldsSchema = z
  .object({
    firstName: columnName.optional(),
    lastName: columnName.optional(),
    birthDate: columnName.optional(),
    sex: columnName.optional(),
    postalCode: columnName.optional(),
    ssn: columnName.optional(),
  })
  .strict();

/**
 * The `linkage` section of a profile. Secrets live in files named here (relative to the
 * configuration file), never in the profile itself.
 */
export const linkageSchema = z
  .object({
    scheme: z.literal('opentoken'),
    /** The hashing secret's text, used as OpenToken uses it (its UTF-8 bytes). */
    secretFile: z.string().min(1),
    /** Optional: 32 bytes of text; when set, tokens are written in OpenToken's encrypted form. */
    encryptionKeyFile: z.string().min(1).optional(),
    /**
     * Optional, with an encryption key: wrap each encrypted token in the Open Link Token 2.x
     * match-token envelope (`olt.V1.` + JWE) for the named ring of partners.
     */
    envelope: z
      .object({ ringId: z.string().min(1), issuer: z.string().min(1).default('org.openlinktoken') })
      .strict()
      .optional(),
    fields: fieldsSchema,
    /** Rules to build; each becomes a column of that name, appended in this order. */
    output: z.array(z.enum(RULE_IDS)).min(1).default([...RULE_IDS]),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.envelope !== undefined && spec.encryptionKeyFile === undefined) {
      const message = 'an envelope needs encryptionKeyFile';
      ctx.addIssue({ code: 'custom', path: ['envelope'], message });
    }

    const seen = new Set<RuleId>();
    spec.output.forEach((rule, index) => {
      const message = `${rule} is listed twice`;
      if (seen.has(rule)) ctx.addIssue({ code: 'custom', path: ['output', index], message });
      seen.add(rule);
    });

    for (const rule of seen) {
      for (const field of RULE_FIELDS[rule]) {
        if (spec.fields[field] !== undefined) continue;
        const message = `${rule} needs the ${field} column`;
        ctx.addIssue({ code: 'custom', path: ['fields', field], message });
      }
    }
  });

export type LinkageSpec = z.infer<typeof linkageSchema>;
export type LinkageFields = LinkageSpec['fields'];
export { FIELD_NAMES };
