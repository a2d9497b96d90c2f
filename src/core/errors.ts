// Typed errors, mapped to exit codes in one place (src/main.ts). See STYLE.md §3.

/** An expected failure the user can fix: printed as one line "Error: …", exit 1. */
export class RunsError extends Error {
  override name = 'RunsError';
}

/**
 * The index database failed (disk full, locked, damaged): a RunsError (one line with the fix, exit
 * 1), told apart so the web view answers it as a server error, not as "no such run".
 */
export class DatabaseError extends RunsError {
  override name = 'DatabaseError';
}

/** Bad usage (invalid option value, bad reference syntax): exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Already reported; leave with this exit code (e.g. `runs train` passing on the trainer's code). */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    readonly code: number,
    message = `exit ${code}`,
  ) {
    super(message);
  }
}

/**
 * The error inside `outer` that carries a string `code` (SQLITE_FULL, ENOSPC, …): drivers' errors
 * reach us wrapped (drizzle's "Failed to run the query …" has the SQLite error as its cause).
 */
export function codedError(outer: unknown): { code: string; message: string } | null {
  let err = outer;
  for (
    let i = 0;
    i < 5 && typeof (err as { code?: unknown })?.code !== 'string' && (err as { cause?: unknown })?.cause;
    i++
  ) {
    err = (err as { cause: unknown }).cause;
  }
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? { code, message: (err as Error).message } : null;
}
