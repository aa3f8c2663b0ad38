/**
 * Three-digit ZIP prefixes whose areas held 20,000 people or fewer, which Safe Harbor requires
 * to be reported as 000 (45 CFR 164.514(b)(2)(i)(B)).
 *
 * Source: HHS Office for Civil Rights, "Guidance Regarding Methods for De-identification of
 * Protected Health Information in Accordance with the HIPAA Privacy Rule" (26 November 2012),
 * section 3.4, which lists the prefixes from the 2000 Census. Update the list and its version
 * together when HHS publishes prefixes from a later census; the version goes into reports.
 */
export const RESTRICTED_ZIP3_VERSION = 'hhs-ocr-2012/census-2000';

export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  '036', '059', '063', '102', '203', '556', '692', '790', '821',
  '823', '830', '831', '878', '879', '884', '890', '893',
]);
