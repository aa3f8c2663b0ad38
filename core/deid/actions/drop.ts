import type { ActionFactory } from './action-types.js';

/** Never called for a cell: a dropped column leaves the row before actions run. */
export const drop: ActionFactory<'drop'> = () => () => '';
