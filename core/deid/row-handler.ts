import { AirlockError } from '../errors.js';
import type { ActionContext } from './actions/index.js';
import { planColumns, type ColumnPlan, type ColumnReport } from './column-plan.js';
import type { CsvDialect } from './csv-dialect.js';
import type { RecordHandler } from './csv-record-stream.js';
import { guardFormula } from './formula-guard.js';
import type { Profile } from './profile-schema.js';
import type { Linkage } from './linkage/index.js';
import { ReleaseGate } from './release-gate.js';
import { bounded } from '../log.js';

export const MAX_REJECTED_LINES = 1000;

export interface RowCounts {
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  rejectedLines: number[];
}

/** Applies a profile to each row: the column plan, the bad-value and bad-row policies, the gate. */
export class RowHandler implements RecordHandler {
  readonly counts: RowCounts = { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, rejectedLines: [] };
  columns: ColumnReport[] = [];
  dialect: CsvDialect | undefined;
  private plan: ColumnPlan | undefined;
  private linkageInputs: number[] = [];
  private gate: ReleaseGate | undefined;
  private inputNames: string[] = [];

  constructor(
    private readonly profile: Profile,
    private readonly context: Omit<ActionContext, 'columnIndex'>,
    private readonly linkage?: Linkage,
  ) {}

  header(cells: string[], dialect: CsvDialect): string[] {
    this.dialect = dialect;
    this.inputNames = cells.map((cell) => cell.trim());
    this.plan = planColumns(cells, this.profile, this.context);
    this.columns = this.plan.report;

    this.linkageInputs = this.linkageInputIndexes();

    // Linkage tokens are keyed hashes in Base64, outside the shapes the gate looks for.
    const allowed = new Set([...this.profile.releaseGate.allow, ...(this.linkage?.outputColumns ?? [])]);
    const outputNames = [...this.plan.outputs.map((column) => column.name), ...(this.linkage?.outputColumns ?? [])];
    this.gate = new ReleaseGate(outputNames, outputNames.map((name) => !allowed.has(name)));
    const header = [...this.plan.outputs.map((column) => cells[column.inputIndex] as string), ...(this.linkage?.outputColumns ?? [])];
    return this.isGuarded ? header.map(guardFormula) : header;
  }

  record(cells: string[], endLine: number): string[] | undefined {
    const plan = this.plan as ColumnPlan;
    const isBlankLine = cells.length === 1 && cells[0] === '' && plan.inputWidth > 1;
    if (isBlankLine) return undefined;

    this.counts.rowsRead += 1;
    if (cells.length !== plan.inputWidth) return this.ragged(cells, endLine);

    const row = this.transform(cells, plan, endLine);
    if (this.linkage !== undefined) row.push(...this.linkageTokens(cells));
    (this.gate as ReleaseGate).check(row, () => startLine(cells, endLine));
    this.counts.rowsWritten += 1;
    return row;
  }

  skipped(line: number): void {
    this.counts.rowsRead += 1;
    this.reject(line);
  }

  columnName(index: number): string | undefined {
    return this.inputNames[index];
  }

  private linkageInputIndexes(): number[] {
    if (this.linkage === undefined) return [];
    return this.linkage.inputColumns.map((name) => {
      const index = this.inputNames.indexOf(name);
      if (index < 0) throw new AirlockError('MISSING_COLUMN', 'a column that linkage reads is not in the file', { line: 1, column: bounded(name, 100) });
      return index;
    });
  }

  private linkageTokens(cells: string[]): string[] {
    const linkage = this.linkage as Linkage;
    const indexes = this.linkageInputs;
    const names = linkage.inputColumns;
    return linkage.tokensFor((column) => cells[indexes[names.indexOf(column)] as number] ?? '');
  }

  private get isGuarded(): boolean {
    return this.profile.formulaGuard === 'prefix';
  }

  private transform(cells: string[], plan: ColumnPlan, endLine: number): string[] {
    const outputs = plan.outputs;
    const row = new Array<string>(outputs.length);
    for (let index = 0; index < outputs.length; index += 1) {
      const column = outputs[index]!;
      const cell = cells[column.inputIndex] as string;
      let result = cell;
      if (cell !== '' && column.transform !== undefined) {
        result = column.transform(cell, cells) ?? this.badValue(column.name, column.action.action, cells, endLine);
      }
      row[index] = this.isGuarded && result !== '' ? guardFormula(result) : result;
    }
    return row;
  }

  private badValue(column: string, action: string, cells: string[], endLine: number): string {
    if (this.profile.badValues === 'blank') return '';
    throw new AirlockError('BAD_VALUE', `a value cannot be read by the ${action} action`, {
      line: startLine(cells, endLine),
      column,
    });
  }

  private ragged(cells: string[], endLine: number): undefined {
    const line = startLine(cells, endLine);
    if (this.profile.badRows === 'fail') {
      const expected = (this.plan as ColumnPlan).inputWidth;
      throw new AirlockError('RAGGED_ROW', `a row has ${cells.length} fields where the header has ${expected}`, { line });
    }
    this.reject(line);
    return undefined;
  }

  private reject(line: number): void {
    this.counts.rowsRejected += 1;
    if (this.counts.rejectedLines.length < MAX_REJECTED_LINES) this.counts.rejectedLines.push(line);
  }
}

/** The line a record starts on: its end line less the line breaks inside its quoted fields. */
function startLine(cells: readonly string[], endLine: number): number {
  let breaks = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at >= 0; at = cell.indexOf('\n', at + 1)) breaks += 1;
  }
  return endLine - breaks;
}
