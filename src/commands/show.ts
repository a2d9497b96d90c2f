// runs show RUN: everything about one run.
import path from 'node:path';
import type { Context } from './context.js';
import type { RunRow } from '../db/index.js';
import { failureReason } from '../core/failure.js';
import { readLogTail } from '../storage/log-tail.js';
import { refresh } from '../indexer/refresh.js';
import { METRIC_TABLE_COLUMNS, resolveRun } from '../db/index.js';
import { lineageOf, type LineagePart } from '../storage/lineage.js';
import { runDetails, type RunDetails } from '../core/run-json.js';

/** Runs that ended without completing: the last error line of their log (this machine's runs only). */
const STOPPED = new Set(['failed', 'crashed', 'interrupted', 'unknown']);

function stoppedReason(ctx: Context, run: RunRow): string | null {
  if (ctx.team() || !STOPPED.has(run.status)) return null;
  return failureReason(readLogTail(path.join(run.path, 'train.log'), 200));
}

/** `runs show --csv`: one row per metric record, the `metrics` columns (the run is known: no run_id). */
export const METRIC_CSV_COLUMNS = METRIC_TABLE_COLUMNS.filter((c) => c !== 'run_id');

export { checkpointsWithValLoss, type CheckpointFile, type RunDetails } from '../core/run-json.js';

export async function showRun(ctx: Context, ref: string): Promise<RunDetails & { lineage: LineagePart[] }> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const reader = await ctx.reader();
  const metrics = await reader.metricsOf(run.id);
  const details = runDetails(
    run,
    metrics,
    await reader.paramsOf(run.id),
    await reader.checkpointsOf(run.id),
    stoppedReason(ctx, run),
  );
  // lineage: the runs a resumed run continues, so its loss curve is drawn as one.
  return { ...details, lineage: await lineageOf(reader, run) };
}
