// runs show RUN: everything about one run.
import type { Context } from './context.js';
import type { MetricRow, RunRow } from '../db/index.js';
import { refresh } from './list.js';
import { resolveRun } from './resolve.js';
import { toRunSummaryJson, type RunSummaryJson } from './run-json.js';

export interface CheckpointFile {
  iter: number;
  file: string | null;
  /** Val loss reported at the checkpoint's iteration (same segment), if any. */
  val_loss: number | null;
  segment: number;
  best: boolean;
}

export interface RunDetails {
  run: RunRow;
  json: RunSummaryJson & { params: Record<string, unknown>; checkpoint_files: { iter: number; file: string | null; val_loss: number | null }[] };
  params: [string, unknown][];
  checkpoints: CheckpointFile[];
  metrics: MetricRow[];
}

export async function showRun(ctx: Context, ref: string): Promise<RunDetails> {
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const index = await ctx.index();
  const metrics = index.metricsOf(run.id);
  const params = index.paramsOf(run.id).map((p) => [p.key, p.value] as [string, unknown]);
  const checkpoints = checkpointsWithValLoss(index.checkpointsOf(run.id), metrics);
  return {
    run,
    json: {
      ...toRunSummaryJson(run),
      params: Object.fromEntries(params),
      checkpoint_files: checkpoints.map(({ iter, file, val_loss }) => ({ iter, file, val_loss })),
    },
    params,
    checkpoints,
    metrics,
  };
}

/** Pairs each checkpoint with the val loss of its iteration and marks the best one (lowest). */
export function checkpointsWithValLoss(
  rows: { iter: number; file: string | null; segment: number }[],
  metrics: readonly MetricRow[],
): CheckpointFile[] {
  const valAt = new Map<string, number | null>();
  for (const m of metrics) if (m.split === 'val' && m.iter !== null) valAt.set(`${m.segment}:${m.iter}`, m.loss);
  const out = rows.map((c) => ({
    iter: c.iter,
    file: c.file,
    segment: c.segment,
    val_loss: valAt.get(`${c.segment}:${c.iter}`) ?? null,
    best: false,
  }));
  let best: CheckpointFile | undefined;
  for (const c of out) if (c.val_loss !== null && (best === undefined || c.val_loss < best.val_loss!)) best = c;
  if (best) best.best = true;
  return out;
}
