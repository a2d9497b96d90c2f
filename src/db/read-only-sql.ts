// `runs sql`: read-only by construction. The connection is opened read-only, so SQLite refuses any
// write whatever the text; the reader check below only gives a better message (STYLE.md §6).
import type { Sqlite } from './client.js';

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export class ReadOnlyViolation extends Error {
  override name = 'ReadOnlyViolation';
}

export function runReadOnlyQuery(ro: Sqlite, text: string, limit: number): SqlResult {
  let stmt;
  try {
    // prepare() compiles exactly one statement and rejects trailing ones.
    stmt = ro.prepare(text);
  } catch (err) {
    throw new ReadOnlyViolation(`SQL error: ${(err as Error).message}`);
  }
  if (!stmt.reader) {
    throw new ReadOnlyViolation('runs sql is read-only; use runs tag / runs note to change a run, or runs index to refresh the index');
  }
  const columns = stmt.columns().map((c) => c.name);
  const rows: Record<string, unknown>[] = [];
  let truncated = false;
  try {
    for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
      if (rows.length >= limit) {
        truncated = true;
        break;
      }
      rows.push(row);
    }
  } catch (err) {
    // e.g. `delete … returning *` is a reader to prepare(); the read-only connection stops it here.
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_AUTH') {
      throw new ReadOnlyViolation('runs sql is read-only; use runs tag / runs note to change a run');
    }
    throw new ReadOnlyViolation(`SQL error: ${(err as Error).message}`);
  }
  return { columns, rows, truncated };
}
