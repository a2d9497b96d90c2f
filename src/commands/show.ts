// runs show RUN: everything about one run.
import type { Context } from './context.js';
import { refresh } from './list.js';
import { resolveRun } from './resolve.js';
import { lineageOf, type LineagePart } from './lineage.js';
import { runDetails, type RunDetails } from './run-json.js';

export { checkpointsWithValLoss, type CheckpointFile, type RunDetails } from './run-json.js';

export async function showRun(ctx: Context, ref: string): Promise<RunDetails & { lineage: LineagePart[] }> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const index = await ctx.index();
  const metrics = index.metricsOf(run.id);
  // lineage: the runs a resumed run continues, so its loss curve is drawn as one.
  return { ...runDetails(run, metrics, index.paramsOf(run.id), index.checkpointsOf(run.id)), lineage: lineageOf(ctx, index, run) };
}

