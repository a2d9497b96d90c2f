// runs best: the id (or folder) of the best run, for scripts (`"$(runs best --path)/adapters"`).
import type { Context } from './context.js';
import { RunsError, UsageError } from '../core/errors.js';
import { BEST_IS_HIGHER, SORT_KEY_COLUMNS, type SortKey } from '../core/sort-keys.js';
import { WhereError, type RunRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';

export interface BestOptions {
  by?: SortKey;
  where?: string;
  status?: string;
}

export async function bestRun(ctx: Context, opts: BestOptions): Promise<RunRow> {
  await refresh(ctx);
  const by = opts.by ?? 'val_loss';
  const reader = await ctx.reader();
  let rows: RunRow[];
  try {
    // Runs without a value sort last, so the first row has one unless no run does.
    rows = await reader.listRuns({
      sort: by,
      descending: BEST_IS_HIGHER[by],
      limit: 1,
      status: opts.status,
      where: opts.where,
    });
  } catch (err) {
    if (err instanceof WhereError) throw new UsageError(err.message);
    throw err;
  }
  const best = rows[0];
  const filtered = opts.status !== undefined || opts.where !== undefined;
  if (!best) {
    throw new RunsError(
      filtered
        ? 'no run matches --status / --where; drop them to see every run (runs list)'
        : 'there are no runs yet: record one with `runs train`',
    );
  }
  if (sortValue(best, by) === null) {
    throw new RunsError(
      `no${filtered ? ' matching' : ''} run has a ${by} value yet; try another --by (e.g. --by started)`,
    );
  }
  return best;
}

function sortValue(r: RunRow, key: SortKey): unknown {
  return r[SORT_KEY_COLUMNS[key]];
}
