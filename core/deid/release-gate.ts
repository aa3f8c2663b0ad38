import { AirlockError } from '../errors.js';
import { combinedPattern, matchedKind } from './identifier-patterns.js';

const GATE_KINDS = ['ssn', 'email', 'phone'] as const;

const KIND_NAME: Readonly<Record<(typeof GATE_KINDS)[number], string>> = {
  ssn: 'a Social Security number',
  email: 'an e-mail address',
  phone: 'a telephone number',
};

// Shorter cells cannot hold any of the shapes (the shortest, an e-mail address, needs 6).
const MIN_SHAPE_LENGTH = 6;

/**
 * The last check before a result is published: no output cell may have the shape of an SSN,
 * e-mail address or phone number. Every output column is scanned, except those the profile
 * lists under `releaseGate.allow` (for instance a kept column of clinic phone numbers).
 * Throwing mid-stream publishes nothing, since results are written under a temporary name.
 */
export class ReleaseGate {
  private readonly pattern = combinedPattern(GATE_KINDS, 'i');

  constructor(
    private readonly columnNames: readonly string[],
    private readonly isScanned: readonly boolean[],
  ) {}

  /** Throws RELEASE_GATE for the first cell with a forbidden shape; `line` is asked only then. */
  check(cells: readonly string[], line: () => number): void {
    for (let index = 0; index < cells.length; index += 1) {
      const cell = cells[index] as string;
      if (cell.length < MIN_SHAPE_LENGTH || !this.isScanned[index]) continue;
      const match = this.pattern.exec(cell);
      if (match !== null) this.refuse(match, index, line());
    }
  }

  private refuse(match: RegExpExecArray, index: number, line: number): never {
    const kind = (matchedKind(match.groups) ?? 'ssn') as keyof typeof KIND_NAME;
    const column = this.columnNames[index];
    throw new AirlockError('RELEASE_GATE', `an output cell has the shape of ${KIND_NAME[kind]}`, { line, column });
  }
}
