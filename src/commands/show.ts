// runs show RUN: everything about one run.
import type { Context } from './context.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { lineageOf, type LineagePart } from '../storage/lineage.js';
import { runDetails, type RunDetails } from '../core/run-json.js';

export { checkpointsWithValLoss, type CheckpointFile, type RunDetails } from '../core/run-json.js';

export async function showRun(ctx: Context, ref: string): Promise<RunDetails & { lineage: LineagePart[] }> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const reader = await ctx.reader();
  const metrics = await reader.metricsOf(run.id);
  const details = runDetails(run, metrics, await reader.paramsOf(run.id), await reader.checkpointsOf(run.id));
  // lineage: the runs a resumed run continues, so its loss curve is drawn as one (local runs only:
  // the team database has no parent links yet).
  if (ctx.team()) return { ...details, lineage: [] };
  return { ...details, lineage: await lineageOf(ctx.locations().root, reader, run) };
}
