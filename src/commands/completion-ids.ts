// `runs completion --ids`: the run ids, newest first, for the shell scripts' Tab (after the cheap freshness pass).
import type { Context } from './context.js';
import { refresh } from './list.js';

export async function runIds(ctx: Context): Promise<string[]> {
  await refresh(ctx);
  return (await ctx.index()).listRuns({ sort: 'started', descending: true }).map((r) => r.id);
}
