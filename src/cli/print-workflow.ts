// Printers of the day-to-day commands (best, du, log, compare, …): results → stdout, notices → stderr.
import type { Context } from '../commands/context.js';
import type { RunUsage } from '../commands/du.js';
import type { RunComparison } from '../commands/compare.js';
import type { TrashedRun } from '../commands/trash.js';
import type { PruneResult } from '../commands/prune.js';
import type { RunRow } from '../db/index.js';
import { toRunSummaryJson } from '../core/run-json.js';
import type { OutputFormat } from './options.js';
import { displaySetting, displayValue, formatNumber, render, tableText, type Column } from './render.js';

/** `16.0 MB`, `1.2 GB`, `812 B`: decimal units, as disk tools and file managers show them. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export async function printBest(ctx: Context, run: RunRow, format: OutputFormat, asPath: boolean): Promise<void> {
  if (format === 'table') {
    ctx.io.stdout.write(`${asPath ? run.path : run.id}\n`);
    return;
  }
  const json = toRunSummaryJson(run);
  const keys = Object.keys(json) as (keyof typeof json)[];
  await render(
    [json],
    keys.map((k) => ({ header: k, key: k, value: (r: typeof json) => r[k] })),
    format,
    ctx.io.stdout,
  );
}

const USAGE_COLUMNS: Column<RunUsage>[] = [
  { header: 'id', key: 'id', value: (r) => r.id },
  { header: 'status', key: 'status', value: (r) => r.status },
  { header: 'ckpts', key: 'checkpoint_files', value: (r) => r.checkpoint_files },
  {
    header: 'checkpoints',
    key: 'checkpoints_bytes',
    value: (r) => r.checkpoints_bytes,
    display: (r) => formatBytes(r.checkpoints_bytes),
    align: 'right',
  },
  {
    header: 'log',
    key: 'log_bytes',
    value: (r) => r.log_bytes,
    display: (r) => formatBytes(r.log_bytes),
    align: 'right',
  },
  {
    header: 'other',
    key: 'other_bytes',
    value: (r) => r.other_bytes,
    display: (r) => formatBytes(r.other_bytes),
    align: 'right',
  },
  {
    header: 'total',
    key: 'total_bytes',
    value: (r) => r.total_bytes,
    display: (r) => formatBytes(r.total_bytes),
    align: 'right',
  },
];

export async function printDiskUsage(ctx: Context, rows: RunUsage[], format: OutputFormat): Promise<void> {
  if (format !== 'table') return await render(rows, USAGE_COLUMNS, format, ctx.io.stdout);
  if (rows.length === 0) return ctx.notice('no runs yet: nothing uses any space');
  const sum = (k: 'checkpoint_files' | 'checkpoints_bytes' | 'log_bytes' | 'other_bytes' | 'total_bytes') =>
    rows.reduce((a, r) => a + r[k], 0);
  const total: RunUsage = {
    id: `total (${rows.length} run${rows.length === 1 ? '' : 's'})`,
    status: '',
    checkpoint_files: sum('checkpoint_files'),
    checkpoints_bytes: sum('checkpoints_bytes'),
    log_bytes: sum('log_bytes'),
    other_bytes: sum('other_bytes'),
    total_bytes: sum('total_bytes'),
  };
  await render([...rows, total], USAGE_COLUMNS, format, ctx.io.stdout);
}

export async function printComparison(ctx: Context, c: RunComparison, format: OutputFormat): Promise<void> {
  const ids = c.runs.map((r) => r.id);
  if (format !== 'table') {
    // One column per run, keyed by its id; `best` names the best run of a metric row.
    type Row = RunComparison['rows'][number];
    const columns: Column<Row>[] = [
      { header: 'section', key: 'section', value: (r) => r.section },
      { header: 'key', key: 'key', value: (r) => r.key },
      ...ids.map((id, i) => ({ header: id, key: id, value: (r: Row) => r.values[i] })),
      { header: 'best', key: 'best', value: (r) => (r.best === null ? null : ids[r.best]) },
    ];
    return await render(c.rows, columns, format, ctx.io.stdout);
  }
  const blocks: string[] = [];
  for (const section of ['config', 'metadata', 'metric'] as const) {
    const rows = c.rows.filter((r) => r.section === section);
    if (rows.length === 0) {
      if (section === 'config') blocks.push('config: no differences');
      continue;
    }
    const cell = (key: string, v: unknown, isBest: boolean) =>
      (section === 'metric' ? (typeof v === 'number' ? formatNumber(v) : displayValue(v)) : displaySetting(v, key)) +
      (isBest ? ' *' : '');
    blocks.push(
      await tableText(
        [section, ...ids],
        rows.map((r) => [r.key, ...r.values.map((v, i) => cell(r.key, v, r.best === i))]),
        ['left', ...ids.map(() => (section === 'metric' ? ('right' as const) : ('left' as const)))],
      ),
    );
  }
  ctx.io.stdout.write(`${blocks.join('\n\n')}\n`);
  if (c.rows.some((r) => r.best !== null)) ctx.notice('* = best of the row');
}

export async function printTrash(ctx: Context, rows: TrashedRun[], format: OutputFormat): Promise<void> {
  const columns: Column<TrashedRun>[] = [
    { header: 'id', key: 'id', value: (r) => r.id },
    { header: 'status', key: 'status', value: (r) => r.status },
    {
      header: 'size',
      key: 'total_bytes',
      value: (r) => r.total_bytes,
      display: (r) => formatBytes(r.total_bytes),
      align: 'right',
    },
    { header: 'path', key: 'path', value: (r) => r.path },
  ];
  if (format === 'table' && rows.length === 0) return ctx.notice('the trash is empty');
  await render(rows, columns, format, ctx.io.stdout);
}

export async function printPrune(ctx: Context, r: PruneResult, format: OutputFormat): Promise<void> {
  for (const n of r.notes) ctx.notice(n);
  const columns: Column<PruneResult['files'][number]>[] = [
    { header: 'id', key: 'id', value: (f) => f.id },
    { header: 'iter', key: 'iter', value: (f) => f.iter },
    { header: 'bytes', key: 'bytes', value: (f) => f.bytes, display: (f) => formatBytes(f.bytes), align: 'right' },
    { header: 'file', key: 'file', value: (f) => f.file },
  ];
  if (format !== 'table' || r.files.length > 0) await render(r.files, columns, format, ctx.io.stdout);
  const what = `${r.files.length} checkpoint file(s), ${r.bytes} bytes (${formatBytes(r.bytes)})`;
  ctx.notice(r.dryRun ? `dry run: would delete ${what}; nothing was deleted` : `deleted ${what}`);
}
