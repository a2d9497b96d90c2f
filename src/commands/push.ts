// runs push [RUN...]: publish this machine's runs to the team database. The local index is brought
// up to date first (as `runs index` does), then publish.ts sends only what the team database lacks,
// judged by what it says it holds (so a rebuilt local index or a second push sends nothing twice).
import type { Context } from './context.js';
import { resolveRunRef } from '../core/run-ref.js';
import { publishHost, publishRuns, type PublishReport } from '../indexer/publish.js';
import { syncAll } from '../indexer/sync.js';

export interface PushReport extends PublishReport {
  seconds: number;
}

/** Progress of the two passes: indexing the local runs, then sending them. */
export interface PushProgress {
  onIndexProgress?: (done: number, total: number) => void;
  onPushProgress?: (done: number, total: number) => void;
}

export async function pushRuns(ctx: Context, refs: string[], progress: PushProgress = {}): Promise<PushReport> {
  const started = performance.now();
  const host = publishHost(ctx);
  // Connecting (and migrating) goes on while the index is brought up to date; a failure is
  // reported after the pass, so a down team database never costs the local index.
  const connecting = ctx.teamDatabase();
  connecting.catch(() => {});
  const synced = await syncAll(ctx, 'full', progress.onIndexProgress);
  const candidates = refs.length ? await (await ctx.reader()).refCandidates() : [];
  const ids = refs.length ? new Set(refs.map((ref) => resolveRunRef(ref, candidates))) : null;
  const team = await connecting;
  const report = await publishRuns(ctx, team, host, ids, progress.onPushProgress);
  return {
    ...report,
    warnings: [...synced.warnings, ...report.warnings],
    seconds: (performance.now() - started) / 1000,
  };
}
