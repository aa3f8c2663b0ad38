import type { ActionFactory } from './action-types.js';

const NUMBER = /^\d+(?:\.\d+)?$/;

/** Ages above `limit` are written as limit + 1 (90 for the Safe Harbor limit of 89). */
export const topcode: ActionFactory<'topcode'> = (spec) => {
  const ceiling = String(spec.limit + 1);
  return (value) => {
    const trimmed = value.trim();
    if (!NUMBER.test(trimmed)) return undefined;
    return Number(trimmed) > spec.limit ? ceiling : value;
  };
};
