// Turning a user's run reference into a run the index knows (after the freshness pass).
import type { Context } from './context.js';
import { resolveRunRef } from '../core/run-ref.js';
import { RunsError } from '../core/errors.js';
import type { RunRow } from '../db/index.js';

export async function resolveRun(ctx: Context, ref: string): Promise<RunRow> {
  const index = await ctx.index();
  const id = resolveRunRef(ref, index.refCandidates());
  const row = index.getRun(id);
  if (!row) throw new RunsError(`run ${id} disappeared while reading it; run \`runs index\``);
  return row;
}
