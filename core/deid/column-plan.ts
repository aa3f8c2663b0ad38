import { AirlockError } from '../errors.js';
import { bounded } from '../log.js';
import type { ColumnAction } from './action-schema.js';
import { createAction, type ActionContext, type CellTransform } from './actions/index.js';
import { IDENTIFIER_CLASS } from './identifier-types.js';
import type { Profile } from './profile-schema.js';

export interface ColumnReport {
  name: string;
  action: string;
  identifierClass?: string;
}

export interface OutputColumn {
  name: string;
  inputIndex: number;
  action: ColumnAction;
  /** Undefined for `keep`, so the hot loop copies the cell without a call. */
  transform: CellTransform | undefined;
}

/** What happens to each column of one file, decided once from its header. */
export interface ColumnPlan {
  inputWidth: number;
  outputs: OutputColumn[];
  report: ColumnReport[];
}

export function planColumns(header: readonly string[], profile: Profile, context: Omit<ActionContext, 'columnIndex'>): ColumnPlan {
  const names = checkedNames(header);
  const columnIndex = (name: string): number => names.indexOf(name);
  const actionContext: ActionContext = { ...context, columnIndex };
  const outputs: OutputColumn[] = [];
  const report: ColumnReport[] = [];

  names.forEach((name, inputIndex) => {
    const action = actionFor(name, profile);
    const identifierClass = action.type === undefined ? undefined : IDENTIFIER_CLASS[action.type];
    report.push(identifierClass === undefined ? { name, action: action.action } : { name, action: action.action, identifierClass });
    if (action.action === 'drop') return;
    requireShiftSource(action, name, columnIndex);
    const transform = action.action === 'keep' ? undefined : createAction(action, actionContext);
    outputs.push({ name, inputIndex, action, transform });
  });
  return { inputWidth: names.length, outputs, report };
}

function checkedNames(header: readonly string[]): string[] {
  const seen = new Set<string>();
  return header.map((cell, index) => {
    const name = cell.trim();
    if (name === '') throw new AirlockError('BLANK_COLUMN', 'a header name is blank', { line: 1, column: `#${index + 1}` });
    if (seen.has(name)) {
      throw new AirlockError('DUPLICATE_COLUMN', 'a header name appears twice', { line: 1, column: bounded(name, 100) });
    }
    seen.add(name);
    return name;
  });
}

function actionFor(name: string, profile: Profile): ColumnAction {
  const action = Object.hasOwn(profile.columns, name) ? profile.columns[name] : undefined;
  if (action !== undefined) return action;
  if (profile.unknownColumns === 'drop') return { action: 'drop' };
  throw new AirlockError('UNKNOWN_COLUMN', 'the profile does not name this column (unknownColumns: reject)', {
    line: 1,
    column: bounded(name, 100),
  });
}

function requireShiftSource(action: ColumnAction, name: string, columnIndex: (name: string) => number): void {
  if (action.action !== 'shift' || columnIndex(action.by) >= 0) return;
  throw new AirlockError('MISSING_COLUMN', `the column "${bounded(action.by, 100)}" that shift reads is not in the file`, {
    line: 1,
    column: bounded(name, 100),
  });
}
