// runs list: one row per run, never stale (freshness check first), sorted and filtered.
import type { Context } from './context.js';
import { DEFAULT_DESCENDING, type SortKey } from '../core/sort-keys.js';
import { UsageError } from '../core/errors.js';
import { WhereError, type RunRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';
import { toRunSummaryJson, type RunSummaryJson } from '../core/run-json.js';

export interface ListOptions {
  sort?: SortKey;
  desc?: boolean;
  asc?: boolean;
  limit?: number;
  status?: string;
  where?: string;
}

export interface RunListItem {
  row: RunRow;
  json: RunSummaryJson;
}

export async function listRuns(ctx: Context, opts: ListOptions): Promise<RunListItem[]> {
  await refresh(ctx);
  const sort = opts.sort ?? 'started';
  const descending = opts.desc ? true : opts.asc ? false : DEFAULT_DESCENDING[sort];
  const reader = await ctx.reader();
  try {
    const rows = await reader.listRuns({ sort, descending, limit: opts.limit, status: opts.status, where: opts.where });
    return rows.map((row) => ({ row, json: toRunSummaryJson(row) }));
  } catch (err) {
    if (err instanceof WhereError) throw new UsageError(err.message);
    throw err;
  }
}
