import { refusal } from './refusal.js';
import type { Place } from './client-path.js';

/** What a request wants to do with one path. A rename checks `rename` on both its ends. */
export type Operation =
  | 'list'
  | 'stat'
  | 'read'
  | 'write'
  | 'setTimes'
  | 'rename'
  | 'remove'
  | 'mkdir'
  | 'rmdir';

export type Rule = 'allow' | { code: 'DENIED' | 'NOT_FOUND'; message: string };

const READ_ONLY_ROOT: Rule = { code: 'DENIED', message: 'only inbox/ and outbox/ live at the top' };
const FIXED_FOLDER: Rule = { code: 'DENIED', message: 'inbox/ and outbox/ cannot be changed' };
const OUTBOX_READ_ONLY: Rule = { code: 'DENIED', message: 'outbox is read-only' };
const NO_SUCH: Rule = { code: 'NOT_FOUND', message: 'no such file or folder' };

/**
 * The folder permission table of the product contract, one row per place. `/` can be listed;
 * inside the inbox a client may do everything; inside the outbox it may read and delete
 * (to acknowledge pickup). The inbox and outbox folders themselves never change.
 */
type Row = Exclude<Place['kind'], 'inside'> | 'inbox' | 'outbox';

const RULES: Record<Row, Record<Operation, Rule>> = {
  root: {
    list: 'allow', stat: 'allow', read: READ_ONLY_ROOT, write: READ_ONLY_ROOT,
    setTimes: READ_ONLY_ROOT, rename: READ_ONLY_ROOT, remove: READ_ONLY_ROOT,
    mkdir: READ_ONLY_ROOT, rmdir: READ_ONLY_ROOT,
  },
  unknown: {
    list: NO_SUCH, stat: NO_SUCH, read: NO_SUCH, write: READ_ONLY_ROOT, setTimes: NO_SUCH,
    rename: READ_ONLY_ROOT, remove: NO_SUCH, mkdir: READ_ONLY_ROOT, rmdir: NO_SUCH,
  },
  folder: {
    list: 'allow', stat: 'allow', read: FIXED_FOLDER, write: FIXED_FOLDER, setTimes: FIXED_FOLDER,
    rename: FIXED_FOLDER, remove: FIXED_FOLDER, mkdir: FIXED_FOLDER, rmdir: FIXED_FOLDER,
  },
  inbox: {
    list: 'allow', stat: 'allow', read: 'allow', write: 'allow', setTimes: 'allow',
    rename: 'allow', remove: 'allow', mkdir: 'allow', rmdir: 'allow',
  },
  outbox: {
    list: 'allow', stat: 'allow', read: 'allow', write: OUTBOX_READ_ONLY,
    setTimes: OUTBOX_READ_ONLY, rename: OUTBOX_READ_ONLY, remove: 'allow',
    mkdir: OUTBOX_READ_ONLY, rmdir: OUTBOX_READ_ONLY,
  },
};

/** Whether the operation is allowed at the place; used by tests and by `checkAccess`. */
export function ruleFor(operation: Operation, place: Place): Rule {
  const row = place.kind === 'inside' ? RULES[place.folder] : RULES[place.kind];
  return row[operation];
}

/** Throws DENIED or NOT_FOUND, with a short fixed message, when the table refuses. */
export function checkAccess(operation: Operation, place: Place): void {
  const rule = ruleFor(operation, place);
  if (rule !== 'allow') throw refusal(rule.code, rule.message);
}
