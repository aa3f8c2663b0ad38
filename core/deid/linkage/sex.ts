// Exactly these spellings; "MALE", "Man" or " F" are not accepted, as in the reference.
const SEX_SPELLING = /^(?:[Mm](?:ale)?|[Ff](?:emale)?)$/;

/** "M", "m", "Male", "male" → "Male"; the same for Female; anything else → undefined. */
export function prepareSex(raw: string): 'Male' | 'Female' | undefined {
  if (!SEX_SPELLING.test(raw)) return undefined;
  return raw[0] === 'M' || raw[0] === 'm' ? 'Male' : 'Female';
}
