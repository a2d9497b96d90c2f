// runs du [RUN...]: bytes per run (checkpoints, log, other), largest first.
import type { Context } from './context.js';
import { folderUsage } from '../storage/disk-usage.js';
import { runPaths } from '../storage/layout.js';
import { refresh } from './list.js';
import { resolveRun } from './resolve.js';

export interface RunUsage {
  id: string;
  status: string;
  checkpoint_files: number;
  checkpoints_bytes: number;
  log_bytes: number;
  other_bytes: number;
  total_bytes: number;
}

export async function diskUsage(ctx: Context, refs: string[]): Promise<RunUsage[]> {
  await refresh(ctx);
  const index = await ctx.index();
  const { root } = ctx.locations();
  const ids = refs.length
    ? [...new Set(await Promise.all(refs.map(async (r) => (await resolveRun(ctx, r)).id)))]
    : [...index.knownRuns().keys()];
  const rows = ids.map((id) => {
    const u = folderUsage(runPaths(root, id).dir);
    return {
      id,
      status: index.getRun(id)?.status ?? 'unknown',
      checkpoint_files: u.checkpointFiles.length,
      checkpoints_bytes: u.checkpoints,
      log_bytes: u.log,
      other_bytes: u.other,
      total_bytes: u.total,
    };
  });
  return rows.sort((a, b) => b.total_bytes - a.total_bytes || (a.id < b.id ? -1 : 1));
}
