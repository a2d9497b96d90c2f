// Turning a user's run reference into a run the reader knows (after the freshness pass): the local
// index, or with --team the team database (refs host:id, host:latest; bare ids of one host).
import { resolveRunRef, resolveTeamRunRef } from '../core/run-ref.js';
import { RunsError } from '../core/errors.js';
import type { RunRow } from '../core/rows.js';
import type { RunsReader } from './reader.js';

/** What resolving needs of a command's context: the reader it reads, and whether that is the team's. */
export interface ResolveContext {
  reader(): Promise<RunsReader>;
  team(): boolean;
}

export async function resolveRun(ctx: ResolveContext, ref: string): Promise<RunRow> {
  const reader = await ctx.reader();
  const candidates = await reader.refCandidates();
  const id = ctx.team() ? resolveTeamRunRef(ref, candidates) : resolveRunRef(ref, candidates);
  const row = await reader.getRun(id);
  if (!row) throw new RunsError(`run ${id} disappeared while reading it; run \`runs index\``);
  return row;
}
