import type { ActionName, ActionOf } from '../action-schema.js';
import type { ActionContext, ActionFactory, CellTransform } from './action-types.js';
import { bucket } from './bucket.js';
import { drop } from './drop.js';
import { keep } from './keep.js';
import { mask } from './mask.js';
import { month } from './month.js';
import { redact } from './redact.js';
import { scrub } from './scrub.js';
import { shift } from './shift.js';
import { token } from './token.js';
import { topcode } from './topcode.js';
import { year } from './year.js';
import { zip3 } from './zip3.js';

export type { ActionContext, CellTransform } from './action-types.js';

/** A new action is one file and one line here; a missing line does not compile. */
const FACTORIES: { [Name in ActionName]: ActionFactory<Name> } = {
  keep, drop, token, redact, mask, year, month, zip3, topcode, shift, scrub, bucket,
};

export function createAction<Name extends ActionName>(spec: ActionOf<Name>, context: ActionContext): CellTransform {
  const factory = FACTORIES[spec.action] as ActionFactory<Name>;
  return factory(spec, context);
}
