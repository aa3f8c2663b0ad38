import type { ActionFactory } from './action-types.js';

/**
 * Keeps the last `keep` characters and masks the rest, one mask character per character (code
 * point) so the length stays visible. A value no longer than `keep` is masked whole: keeping
 * it would publish the identifier unchanged.
 */
export const mask: ActionFactory<'mask'> = (spec) => (value) => {
  const characters = Array.from(value);
  if (characters.length <= spec.keep) return spec.char.repeat(characters.length);
  const maskedCount = characters.length - spec.keep;
  return spec.char.repeat(maskedCount) + characters.slice(maskedCount).join('');
};
