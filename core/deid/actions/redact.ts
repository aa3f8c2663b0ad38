import type { ActionFactory } from './action-types.js';

export const redact: ActionFactory<'redact'> = (spec) => () => spec.with;
