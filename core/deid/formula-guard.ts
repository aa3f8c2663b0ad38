const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Spreadsheet formula injection (CWE-1236): a cell starting with = + - @ (or a tab or carriage
 * return) may run as a formula when a result is opened in a spreadsheet. With
 * `formulaGuard: prefix` such a cell gets a leading apostrophe, which spreadsheets read as "this
 * is text". Plain numbers such as -71.15 are left alone; they cannot be formulas.
 */
export function guardFormula(cell: string): string {
  const first = cell.charCodeAt(0);
  const isTrigger = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
  if (!isTrigger || PLAIN_NUMBER.test(cell)) return cell;
  return `'${cell}`;
}
