// runs index [--rebuild]
import type { Context } from './context.js';
import { syncAll, type SyncReport } from '../indexer/sync.js';

export async function indexRuns(
  ctx: Context,
  opts: { rebuild?: boolean; onProgress?: (done: number, total: number) => void },
): Promise<SyncReport> {
  return syncAll(ctx, opts.rebuild ? 'rebuild' : 'full', opts.onProgress);
}
