// runs sql "SELECT …": read-only SQL over the index (or, with --team, the team database).
import type { Context } from './context.js';
import { RunsError, UsageError } from '../core/errors.js';
import { ReadOnlyViolation, type SqlStream } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';

export const DEFAULT_SQL_LIMIT = 1000;

/** The result, read as it is printed (a huge `--limit` must not be held in memory). */
export interface SqlRows {
  columns: string[];
  rows: Iterable<Record<string, unknown>>;
  readonly truncated: boolean;
  limit: number;
}

export async function runSql(
  ctx: Context,
  query: string,
  opts: { limit?: number; timeout?: number },
): Promise<SqlRows> {
  if (opts.timeout !== undefined && !ctx.team()) {
    throw new UsageError('--timeout is for runs --team sql (local queries have no time limit)');
  }
  await refresh(ctx);
  const limit = opts.limit ?? DEFAULT_SQL_LIMIT;
  // Local: rows streamed from the read-only connection. --team: at most `limit` rows, read inside
  // the team database's read-only transaction.
  const reader = await ctx.reader();
  let stream: SqlStream;
  try {
    stream = await reader.queryStream(query, limit, {
      timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
    });
  } catch (err) {
    throw asRunsError(err);
  }
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
