// `runs completion --ids`: the run ids, newest first, for the shell scripts' Tab (after the cheap freshness pass).
import type { Context } from './context.js';
import { refresh } from '../indexer/refresh.js';

export async function runIds(ctx: Context): Promise<string[]> {
  await refresh(ctx);
  const runs = await (await ctx.reader()).listRuns({ sort: 'started', descending: true });
  return runs.map((r) => r.id);
}
