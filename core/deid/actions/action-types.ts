import type { ActionName, ActionOf } from '../action-schema.js';
import type { ReadDate } from '../dates.js';

/**
 * One column's action, made ready for a file. It gets a non-empty cell and the whole input row
 * (for actions that read another column) and returns the output cell, or `undefined` when the
 * value cannot be read: the caller then applies the profile's `badValues` policy.
 */
export type CellTransform = (value: string, row: readonly string[]) => string | undefined;

export interface ActionContext {
  tokenKey: Buffer;
  /** Position of a column in the input header; -1 when absent. */
  columnIndex: (name: string) => number;
  /** The day ages are counted to. */
  referenceDate: ReadDate;
}

export type { ActionOf };

export type ActionFactory<Name extends ActionName> = (spec: ActionOf<Name>, context: ActionContext) => CellTransform;
