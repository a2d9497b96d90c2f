// runs show RUN: everything about one run.
import type { Context } from './context.js';
import { refresh } from './list.js';
import { resolveRun } from './resolve.js';
import { runDetails, type RunDetails } from './run-json.js';

export { checkpointsWithValLoss, type CheckpointFile, type RunDetails } from './run-json.js';

export async function showRun(ctx: Context, ref: string): Promise<RunDetails> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const index = await ctx.index();
  const metrics = index.metricsOf(run.id);
  return runDetails(run, metrics, index.paramsOf(run.id), index.checkpointsOf(run.id));
}

