/** How a delimited file is written: found from its header line, reused for the output. */
export interface CsvDialect {
  delimiter: string;
  lineEnding: '\n' | '\r\n';
  hasBom: boolean;
}

export const DELIMITERS = [',', '\t', '|', ';'] as const;

const BOM = '\uFEFF';

/**
 * Reads the dialect from the header line (the text up to the first line feed). The detected
 * delimiter is the candidate that occurs most often outside quotes; ties go to the earlier one
 * in DELIMITERS, and a header without any candidate is one column, read as comma-separated.
 */
export function sniffDialect(headLine: string, declaredDelimiter?: string): CsvDialect {
  const hasBom = headLine.startsWith(BOM);
  const newlineAt = headLine.indexOf('\n');
  const lineEnding = newlineAt > 0 && headLine[newlineAt - 1] === '\r' ? '\r\n' : '\n';
  const delimiter = declaredDelimiter ?? detectDelimiter(headLine);
  return { delimiter, lineEnding, hasBom };
}

function detectDelimiter(headLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((candidate) => [candidate, 0]));
  let isQuoted = false;
  for (const character of headLine) {
    if (character === '"') isQuoted = !isQuoted;
    else if (character === '\n' && !isQuoted) break;
    else if (!isQuoted && counts.has(character)) counts.set(character, (counts.get(character) ?? 0) + 1);
  }

  let best: string = ',';
  let bestCount = 0;
  for (const [candidate, count] of counts) {
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}
