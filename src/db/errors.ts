// What a failing index database means for the user, in one line with the fix. The db layer's
// knowledge (SQLite's result codes), not the CLI's: the reader maps its errors to RunsErrors here,
// and main.ts asks here about any error that still carries a database code. `--rebuild` is advised
// only where it helps (a damaged index), never for a full or read-only disk.
import { codedError, DatabaseError } from '../core/errors.js';

/** The SQLite error inside `outer` (drizzle wraps it: DrizzleError "Failed to run the query …", cause). */
function sqliteCode(outer: unknown): { code: string; message: string } | null {
  const found = codedError(outer);
  return found?.code.startsWith('SQLITE_') ? found : null;
}

/** The one-line explanation of a database error; null when `err` is not one. */
export function databaseErrorMessage(err: unknown): string | null {
  const found = sqliteCode(err);
  if (!found) return null;
  const { code, message } = found;
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, …) share their base's fix.
  const is = (base: string) => code === base || code.startsWith(`${base}_`);
  const fix = is('SQLITE_FULL')
    ? 'the disk is full: free some space and try again (nothing was lost; the run folders are the truth)'
    : is('SQLITE_READONLY') || is('SQLITE_PERM')
      ? 'the index cannot be written: check its permissions, or pass --db PATH (or set RUNS_DB) to a file on a writable disk'
      : is('SQLITE_BUSY') || is('SQLITE_LOCKED')
        ? 'another runs command holds the index; try again when it is done'
        : is('SQLITE_CANTOPEN')
          ? 'the index cannot be opened: check that its folder exists and can be written, or pass --db PATH'
          : is('SQLITE_IOERR')
            ? 'the disk reported an I/O error: check the disk and its free space, then try again'
            : is('SQLITE_CORRUPT') || is('SQLITE_NOTADB')
              ? 'the index is damaged: run `runs index --rebuild` (the run folders are the truth)'
              : 'try again; if it persists, run `runs index --rebuild` (the run folders are the truth)';
  return `the index database failed: ${message} (${code}); ${fix}`;
}

/** A database error as the RunsError (DatabaseError) the user sees; anything else unchanged. */
export function asRunsError(err: unknown): unknown {
  const message = databaseErrorMessage(err);
  return message === null ? err : new DatabaseError(message, { cause: err });
}
