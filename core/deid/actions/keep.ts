import type { ActionFactory } from './action-types.js';

export const keep: ActionFactory<'keep'> = () => (value) => value;
