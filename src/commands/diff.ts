// runs diff A B: what differs between two runs.
import type { Context } from './context.js';
import { diffKeys, metricDelta, valLossAtSharedIters, type KeyChange, type MetricDelta } from '../core/diff.js';
import type { RunRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { configMapOf } from '../core/run-config.js';
import { parseTags, typedParams } from '../core/run-json.js';

export interface RunDiff {
  a: RunRow;
  b: RunRow;
  config: KeyChange[];
  metadata: KeyChange[];
  metrics: MetricDelta[];
  valLoss: MetricDelta[];
  notes: string[];
}

const METADATA_COLUMNS = [
  'status',
  'started_at',
  'duration_s',
  'git_sha',
  'git_dirty',
  'host',
  'log_format',
  'note',
] as const;

const SUMMARY_METRICS: [keyof RunRow, string, 'lower' | 'higher' | 'none'][] = [
  ['best_val_loss', 'best val loss', 'lower'],
  ['final_val_loss', 'final val loss', 'lower'],
  ['final_train_loss', 'final train loss', 'lower'],
  ['test_loss', 'test loss', 'lower'],
  ['test_ppl', 'test ppl', 'lower'],
  ['last_iter', 'last iter', 'none'],
  ['tokens_per_sec', 'tokens/sec', 'higher'],
  ['peak_mem_gb', 'peak mem (GB)', 'lower'],
  ['duration_s', 'duration (s)', 'none'],
];

export async function diffRuns(ctx: Context, refA: string, refB: string, opts: { all?: boolean }): Promise<RunDiff> {
  await refresh(ctx);
  const a = await resolveRun(ctx, refA);
  const b = await resolveRun(ctx, refB);
  const reader = await ctx.reader();
  const all = opts.all ?? false;

  const configOf = async (r: RunRow) => configMapOf(r, typedParams(await reader.paramsOf(r.id)));
  const metadataOf = (r: RunRow) => {
    const m = new Map<string, unknown>();
    for (const c of METADATA_COLUMNS) m.set(c, r[c]);
    m.set('tags', parseTags(r.tags));
    return m;
  };
  const valPoints = async (id: string) =>
    (await reader.metricsOf(id))
      .filter((m) => m.split === 'val' && m.segment === 0 && m.iter !== null)
      .map((m) => ({ iter: m.iter!, loss: m.loss }));

  const notes: string[] = [];
  if (a.model !== b.model)
    notes.push(
      `different base models (${a.model ?? 'unknown'} vs ${b.model ?? 'unknown'}): losses are not directly comparable`,
    );
  if (a.data_dir !== b.data_dir)
    notes.push(
      `different data (${a.data_dir ?? 'unknown'} vs ${b.data_dir ?? 'unknown'}): val/test losses measure different sets`,
    );

  return {
    a,
    b,
    config: diffKeys(await configOf(a), await configOf(b), all),
    metadata: diffKeys(metadataOf(a), metadataOf(b), all),
    metrics: SUMMARY_METRICS.map(([col, label, dir]) =>
      metricDelta({ key: col, metric: label }, a[col] as number | null, b[col] as number | null, dir),
    ),
    valLoss: valLossAtSharedIters(await valPoints(a.id), await valPoints(b.id)),
    notes,
  };
}
