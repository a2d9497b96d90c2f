// runs sql "SELECT …": read-only SQL over the index.
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { ReadOnlyViolation } from '../db/index.js';
import { refresh } from './list.js';

export const DEFAULT_SQL_LIMIT = 1000;

/** The result, read as it is printed (a huge `--limit` must not be held in memory). */
export interface SqlRows {
  columns: string[];
  rows: Iterable<Record<string, unknown>>;
  readonly truncated: boolean;
  limit: number;
}

export async function runSql(ctx: Context, query: string, opts: { limit?: number }): Promise<SqlRows> {
  await refresh(ctx);
  const index = await ctx.index();
  const limit = opts.limit ?? DEFAULT_SQL_LIMIT;
  const stream = (() => {
    try {
      return index.queryStream(query, limit);
    } catch (err) {
      throw asRunsError(err);
    }
  })();
  return {
    columns: stream.columns,
    rows: {
      *[Symbol.iterator]() {
        try {
          yield* stream.rows;
        } catch (err) {
          throw asRunsError(err);
        }
      },
    },
    get truncated() {
      return stream.truncated;
    },
    limit,
  };
}

function asRunsError(err: unknown): unknown {
  return err instanceof ReadOnlyViolation ? new RunsError(err.message) : err;
}
