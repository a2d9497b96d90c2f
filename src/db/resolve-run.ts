// Turning a user's run reference into a run the reader knows (after the freshness pass): the local
// index, or with --team the team database (refs host:id, host:latest; bare ids of one host).
import type { Context } from './context.js';
import { resolveRunRef, resolveTeamRunRef } from '../core/run-ref.js';
import { RunsError } from '../core/errors.js';
import type { RunRow } from '../db/index.js';

export async function resolveRun(ctx: Context, ref: string): Promise<RunRow> {
  const reader = await ctx.reader();
  const candidates = await reader.refCandidates();
  const id = ctx.team() ? resolveTeamRunRef(ref, candidates) : resolveRunRef(ref, candidates);
  const row = await reader.getRun(id);
  if (!row) throw new RunsError(`run ${id} disappeared while reading it; run \`runs index\``);
  return row;
}
