import type { ActionFactory, ActionOf } from './action-types.js';

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * Default labels: `<b0`, then `lo-hi` for each range (inclusive ends when the bounds are whole
 * numbers, `lo-<hi` otherwise), then `bN+`.
 */
export function bucketLabels(bounds: readonly number[]): string[] {
  const areWhole = bounds.every(Number.isInteger);
  const labels = [`<${bounds[0]}`];
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const low = bounds[index] as number;
    const high = bounds[index + 1] as number;
    labels.push(areWhole ? `${low}-${high - 1}` : `${low}-<${high}`);
  }
  labels.push(`${bounds[bounds.length - 1]}+`);
  return labels;
}

export const bucket: ActionFactory<'bucket'> = (spec: ActionOf<'bucket'>) => {
  const labels = spec.labels ?? bucketLabels(spec.bounds);
  return (value) => {
    const trimmed = value.trim();
    if (!NUMBER.test(trimmed)) return undefined;
    const number = Number(trimmed);
    let index = 0;
    while (index < spec.bounds.length && number >= (spec.bounds[index] as number)) index += 1;
    return labels[index];
  };
};
