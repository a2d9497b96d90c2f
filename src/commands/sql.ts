// runs sql "SELECT …": read-only SQL over the index.
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { ReadOnlyViolation, type SqlResult } from '../db/index.js';
import { refresh } from './list.js';

export const DEFAULT_SQL_LIMIT = 1000;

export async function runSql(ctx: Context, query: string, opts: { limit?: number }): Promise<SqlResult & { limit: number }> {
  await refresh(ctx);
  const index = await ctx.index();
  const limit = opts.limit ?? DEFAULT_SQL_LIMIT;
  try {
    return { ...index.query(query, limit), limit };
  } catch (err) {
    if (err instanceof ReadOnlyViolation) throw new RunsError(err.message);
    throw err;
  }
}
