// runs compare RUN RUN [RUN...]: several runs side by side (what `diff` does for two).
import type { Context } from './context.js';
import { UsageError } from '../core/errors.js';
import type { RunRow } from '../db/index.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';
import { configMapOf } from '../core/run-config.js';
import { parseTags, typedParams } from '../core/run-json.js';

export interface CompareRow {
  section: 'config' | 'metadata' | 'metric';
  key: string;
  /** One value per run, in the order the runs were given. */
  values: unknown[];
  /** Index of the best run for a metric row with a direction (null when none or a tie). */
  best: number | null;
}

export interface RunComparison {
  runs: RunRow[];
  rows: CompareRow[];
}

const METADATA_COLUMNS = ['status', 'started_at', 'duration_s', 'git_sha', 'git_dirty', 'host', 'note'] as const;
const METRICS: [keyof RunRow, string, 'lower' | 'higher' | 'none'][] = [
  ['best_val_loss', 'best_val_loss', 'lower'],
  ['best_val_iter', 'best_val_iter', 'none'],
  ['final_val_loss', 'final_val_loss', 'lower'],
  ['final_train_loss', 'final_train_loss', 'lower'],
  ['test_loss', 'test_loss', 'lower'],
  ['test_ppl', 'test_ppl', 'lower'],
  ['last_iter', 'last_iter', 'none'],
  ['tokens_per_sec', 'tokens_per_sec', 'higher'],
  ['peak_mem_gb', 'peak_mem_gb', 'lower'],
];

export async function compareRuns(ctx: Context, refs: string[], opts: { all?: boolean }): Promise<RunComparison> {
  await refresh(ctx);
  const runs: RunRow[] = [];
  for (const ref of refs) {
    const run = await resolveRun(ctx, ref);
    if (!runs.some((r) => r.id === run.id)) runs.push(run);
  }
  if (runs.length < 2)
    throw new UsageError(`compare needs at least two different runs (got ${runs.map((r) => r.id).join(', ')})`);
  const reader = await ctx.reader();
  const all = opts.all ?? false;

  const configs: Map<string, unknown>[] = [];
  for (const r of runs) configs.push(configMapOf(r, typedParams(await reader.paramsOf(r.id))));
  const metadata = runs.map((r) => {
    const m = new Map<string, unknown>();
    for (const c of METADATA_COLUMNS) m.set(c, r[c]);
    m.set('tags', parseTags(r.tags));
    return m;
  });
  const rows: CompareRow[] = [
    ...keyRows('config', configs, all),
    ...keyRows('metadata', metadata, all),
    ...METRICS.map(([col, key, dir]) => {
      const values = runs.map((r) => r[col] as number | null);
      return { section: 'metric' as const, key, values, best: bestIndex(values, dir) };
    }).filter((r) => r.values.some((v) => v !== null)),
  ];
  return { runs, rows };
}

function keyRows(section: 'config' | 'metadata', maps: Map<string, unknown>[], all: boolean): CompareRow[] {
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const out: CompareRow[] = [];
  for (const key of keys) {
    const values = maps.map((m) => m.get(key) ?? null);
    const changed = new Set(values.map((v) => JSON.stringify(v))).size > 1;
    if (changed || all) out.push({ section, key, values, best: null });
  }
  return out;
}

/** The single best value's position; null for neutral rows, missing values or a tie at 3 decimals. */
function bestIndex(values: (number | null)[], dir: 'lower' | 'higher' | 'none'): number | null {
  if (dir === 'none') return null;
  let best: number | null = null;
  let tie = false;
  const r = (v: number) => Math.round(v * 1000);
  values.forEach((v, i) => {
    if (v === null) return;
    if (best === null) return void (best = i);
    const cur = r(values[best]!);
    if (r(v) === cur) tie = true;
    else if (dir === 'lower' ? r(v) < cur : r(v) > cur) {
      best = i;
      tie = false;
    }
  });
  return tie ? null : best;
}
