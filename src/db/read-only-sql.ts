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

/** A result read as it is printed: one row in memory at a time, however many there are. */
export interface SqlStream {
  columns: string[];
  /** Iterate once. Errors raised while reading (a write refused by the connection) are ReadOnlyViolations. */
  rows: Iterable<Record<string, unknown>>;
  /** After the rows were read: whether `limit` cut them short. */
  readonly truncated: boolean;
}

export function streamReadOnlyQuery(ro: Sqlite, text: string, limit: number): SqlStream {
  let stmt;
  try {
    // prepare() compiles exactly one statement and rejects trailing ones.
    stmt = ro.prepare(text);
  } catch (err) {
    throw new ReadOnlyViolation(`SQL error: ${(err as Error).message}`);
  }
  if (!stmt.reader) {
    throw new ReadOnlyViolation(
      'runs sql is read-only; use runs tag / runs note to change a run, or runs index to refresh the index',
    );
  }
  const columns = stmt.columns().map((c) => c.name);
  const iterate = stmt.iterate.bind(stmt) as () => IterableIterator<Record<string, unknown>>;
  const result = {
    columns,
    truncated: false,
    *rows(): Generator<Record<string, unknown>> {
      let n = 0;
      try {
        for (const row of iterate()) {
          if (n >= limit) {
            result.truncated = true;
            break; // ends the statement: SQLite reads no further
          }
          n++;
          yield row;
        }
      } catch (err) {
        // e.g. `delete … returning *` is a reader to prepare(); the read-only connection stops it here.
        const code = (err as { code?: string }).code;
        if (code === 'SQLITE_READONLY' || code === 'SQLITE_AUTH') {
          throw new ReadOnlyViolation('runs sql is read-only; use runs tag / runs note to change a run');
        }
        throw new ReadOnlyViolation(`SQL error: ${(err as Error).message}`);
      }
    },
  };
  return {
    columns,
    rows: { [Symbol.iterator]: () => result.rows() },
    get truncated() {
      return result.truncated;
    },
  };
}

/** The whole result in memory (the web API's pages; `runs sql` streams instead). */
export function runReadOnlyQuery(ro: Sqlite, text: string, limit: number): SqlResult {
  const stream = streamReadOnlyQuery(ro, text, limit);
  const rows = [...stream.rows];
  return { columns: stream.columns, rows, truncated: stream.truncated };
}
