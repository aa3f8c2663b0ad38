import { AirlockError } from '../errors.js';
import { PATTERN_SOURCE } from './identifier-patterns.js';

type GateKind = 'ssn' | 'email' | 'phone';

const KIND_NAME: Readonly<Record<GateKind, string>> = {
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
  // Separate patterns with cheap guards: an e-mail pattern run over every 64-character token
  // backtracks at each position, and was most of the engine's time before the '@' guard.
  private readonly email = new RegExp(PATTERN_SOURCE.email);
  private readonly ssn = new RegExp(PATTERN_SOURCE.ssn);
  private readonly phone = new RegExp(PATTERN_SOURCE.phone);

  constructor(
    private readonly columnNames: readonly string[],
    private readonly isScanned: readonly boolean[],
  ) {}

  /** Throws RELEASE_GATE for the first cell with a forbidden shape; `line` is asked only then. */
  check(cells: readonly string[], line: () => number): void {
    for (let index = 0; index < cells.length; index += 1) {
      const cell = cells[index] as string;
      if (cell.length < MIN_SHAPE_LENGTH || !this.isScanned[index]) continue;
      const kind = this.shapeOf(cell);
      if (kind !== undefined) this.refuse(kind, index, line());
    }
  }

  private shapeOf(cell: string): GateKind | undefined {
    if (cell.includes('@') && this.email.test(cell)) return 'email';
    if (this.ssn.test(cell)) return 'ssn';
    if (this.phone.test(cell)) return 'phone';
    return undefined;
  }

  private refuse(kind: GateKind, index: number, line: number): never {
    const column = this.columnNames[index];
    throw new AirlockError('RELEASE_GATE', `an output cell has the shape of ${KIND_NAME[kind]}`, { line, column });
  }
}
