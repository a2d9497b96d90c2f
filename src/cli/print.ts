// Printers: command results → stdout (data) / stderr (notices). Formats never depend on the TTY;
// only colour does (on a TTY, unless NO_COLOR is set). `runs list` has its own (print-list.ts).
import type { Context } from '../commands/context.js';
import { formatDuration } from '../core/duration.js';
import { thousands } from '../core/thousands.js';
import type { SyncReport } from '../indexer/sync.js';
import type { PushReport } from '../commands/push.js';
import { METRIC_CSV_COLUMNS, type RunDetails } from '../commands/show.js';
import type { RunDiff } from '../commands/diff.js';
import type { SqlRows } from '../commands/sql.js';
import type { PlotData } from '../commands/plot.js';
import { curve } from '../commands/plot.js';
import { joinCurves } from '../core/curves.js';
import type { LineagePart } from '../storage/lineage.js';
import { parseTags, tagsValue } from '../core/run-json.js';
import type { MetricDelta } from '../core/diff.js';
import { escapeControlChars } from '../core/terminal-text.js';
import { assignMarks, MARK_PAIRS, renderChart, type Series } from './chart.js';
import type { OutputFormat } from './options.js';
import {
  displaySetting,
  displayValue,
  formatNumber,
  keyValueText,
  localTime,
  render,
  renderStream,
  tableText,
} from './render.js';
import { painter, terminalWidth } from './terminal.js';

export function printIndexReport(ctx: Context, r: SyncReport): void {
  for (const w of r.warnings) ctx.warn(w);
  ctx.notice(
    `indexed ${thousands(r.total)} runs (${r.added} new, ${r.changed} changed, ${r.unchanged} unchanged, ` +
      `${r.removed} removed), ${thousands(r.metricRows)} metric rows in ${r.seconds.toFixed(1)}s`,
  );
}

export async function printRunDetails(
  ctx: Context,
  d: RunDetails & { lineage?: LineagePart[] },
  format: OutputFormat,
): Promise<void> {
  const out = ctx.io.stdout;
  if (format === 'json') {
    out.write(`${JSON.stringify(d.json, null, 2)}\n`);
    return;
  }
  if (format === 'csv') {
    // One row per metric record: the run's curves, for spreadsheets.
    const cols = METRIC_CSV_COLUMNS;
    await render(
      d.metrics,
      cols.map((c) => ({ header: c, key: c, value: (m: (typeof d.metrics)[number]) => m[c] })),
      'csv',
      out,
    );
    return;
  }
  const r = d.run;
  const j = d.json;
  const section = (title: string) => out.write(`\n${title}\n`);
  out.write(`run ${escapeControlChars(r.id)}  (${r.status})\n`);
  // What went wrong first: why it stopped, losses that diverged.
  const problems: [string, string][] = [];
  if (j.failure_reason) problems.push(['reason', j.failure_reason]);
  if (j.diverged)
    problems.push([
      'diverged',
      `NaN/inf loss in ${j.non_finite_losses} report${j.non_finite_losses === 1 ? '' : 's'}, first at iter ${j.first_non_finite_iter ?? '?'}`,
    ]);
  if (problems.length) out.write(`${keyValueText(problems)}\n`);
  out.write(
    `${keyValueText([
      ['path', r.path],
      ['model', r.model ?? '-'],
      ['data', r.data_dir ?? '-'],
      ['started', localTime(r.started_at)],
      ['finished', localTime(r.finished_at)],
      ['duration', r.duration_s === null ? '-' : formatDuration(r.duration_s)],
      ['exit', r.signal ? `signal ${r.signal}` : displayValue(r.exit_code)],
      ['command', j.command ? shellWords(j.command) : '-'],
      ['cwd', j.cwd ?? '-'],
      ['git', r.git_sha ? `${r.git_sha.slice(0, 12)}${r.git_dirty ? ' (dirty)' : ''}` : '-'],
      ['host', r.host ?? '-'],
      // Only for a re-run or resumed run (most runs have none).
      ...(r.parent === null
        ? []
        : [
            ['parent', r.iter_offset === null ? r.parent : `${r.parent} (resumed at iteration ${r.iter_offset})`] as [
              string,
              string,
            ],
          ]),
      ['seed', displayValue(r.seed)],
      ['tags', parseTags(r.tags).join(', ') || '-'],
      ['note', r.note ?? '-'],
      ['log format', r.log_format ?? '-'],
    ])}\n`,
  );
  if (j.warnings.length) {
    section(`warnings (${j.warnings.length})`);
    out.write(`${j.warnings.map((w) => escapeControlChars(`- ${w}`)).join('\n')}\n`);
  }
  section('summary');
  out.write(
    `${keyValueText([
      ['iterations', r.iters ? `${r.last_iter ?? 0} of ${r.iters}` : displayValue(r.last_iter)],
      ['best val loss', r.best_val_loss === null ? '-' : `${formatNumber(r.best_val_loss)} @ ${r.best_val_iter}`],
      ['final val loss', formatNumber(r.final_val_loss)],
      ['final train loss', formatNumber(r.final_train_loss)],
      ['test loss / ppl', r.test_loss === null ? '-' : `${formatNumber(r.test_loss)} / ${formatNumber(r.test_ppl)}`],
      ['tokens/sec (mean)', r.tokens_per_sec === null ? '-' : r.tokens_per_sec.toFixed(1)],
      ['trained tokens', displayValue(r.trained_tokens)],
      ['peak memory', r.peak_mem_gb === null ? '-' : `${formatNumber(r.peak_mem_gb)} GB`],
      [
        'trainable params',
        r.trainable_params_m === null ? '-' : `${r.trainable_params_m}M of ${r.total_params_m ?? '?'}M`,
      ],
    ])}\n`,
  );
  if (d.params.length) {
    section('config');
    out.write(`${keyValueText(d.params.map(([k, v]) => [k, displaySetting(v)]))}\n`);
  }
  section(`checkpoints (${d.checkpoints.length})`);
  if (d.checkpoints.length) {
    out.write(
      `${await tableText(
        ['iter', 'val loss', 'file', ''],
        d.checkpoints.map((c) => [String(c.iter), formatNumber(c.val_loss), c.file ?? '-', c.best ? '← best' : '']),
        ['right', 'right', 'left', 'left'],
      )}\n`,
    );
  } else out.write('-\n');
  // A resumed run: one continued curve with the runs it continues.
  const joined = (split: 'train' | 'val') =>
    joinCurves(
      (d.lineage ?? [{ id: d.run.id, metrics: d.metrics, shift: 0, upTo: null }]).map((p) => ({
        points: curve(p.metrics, split, 'loss'),
        shift: p.shift,
        upTo: p.upTo,
      })),
    );
  const series: Series[] = [
    { label: 'train', points: joined('train') },
    { label: 'val', points: joined('val') },
  ].filter((s) => s.points.length > 0);
  if (series.length) {
    section('loss');
    out.write(
      `${renderChart(series, { width: Math.min(terminalWidth(ctx), 100), height: 12, paint: painter(ctx), xLabel: 'iter' }).join('\n')}\n`,
    );
  }
}

function metricRow(m: MetricDelta) {
  return {
    key: m.key,
    iter: m.iter,
    a: m.a as unknown,
    b: m.b as unknown,
    delta: m.delta,
    verdict: m.verdict as string | null,
  };
}

/** argv as one line a shell would read back: words with spaces or quotes are single-quoted. */
function shellWords(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function verdictText(m: MetricDelta): string {
  if (m.delta === null) return '';
  const sign = m.delta > 0 ? '+' : '';
  return `${sign}${formatNumber(m.delta)}${m.verdict && m.verdict !== 'same' ? ` (${m.verdict})` : ''}`;
}

export async function printRunDiff(ctx: Context, d: RunDiff, format: OutputFormat): Promise<void> {
  const out = ctx.io.stdout;
  for (const n of d.notes) ctx.notice(`note: ${n}`); // stderr, whatever the format
  if (format !== 'table') {
    // One row per compared value; keys are snake_case names (val loss rows: key val_loss + iter),
    // and every row says which run is a and which is b (a CSV row read alone still says it).
    const rows = [
      ...[
        ...d.config.map((c) => ({ ...c, section: 'config' })),
        ...d.metadata.map((c) => ({ ...c, section: 'metadata' })),
      ].map((c) => ({ section: c.section, key: c.key, iter: null, a: c.a, b: c.b, delta: null, verdict: null })),
      ...d.metrics.map((m) => ({ section: 'metric', ...metricRow(m) })),
      ...d.valLoss.map((m) => ({ section: 'val_loss', ...metricRow(m) })),
    ].map((r) => ({ ...r, a_id: d.a.id, b_id: d.b.id }));
    type Row = (typeof rows)[number];
    const keys = ['section', 'key', 'iter', 'a', 'b', 'delta', 'verdict', 'a_id', 'b_id'] as const;
    await render(
      rows,
      keys.map((k) => ({ header: k, key: k, value: (r: Row) => r[k] })),
      format,
      out,
    );
    return;
  }
  const blocks: string[] = [];
  blocks.push(
    d.config.length
      ? await tableText(
          ['config', d.a.id, d.b.id],
          d.config.map((c) => [c.key, displaySetting(c.a), displaySetting(c.b)]),
        )
      : 'config: no differences',
  );
  if (d.metadata.length)
    blocks.push(
      await tableText(
        ['metadata', d.a.id, d.b.id],
        d.metadata.map((c) => [c.key, displaySetting(c.a, c.key), displaySetting(c.b, c.key)]),
      ),
    );
  const metricRows = [...d.metrics.filter((m) => m.a !== null || m.b !== null), ...d.valLoss];
  blocks.push(
    await tableText(
      ['metric', 'a', 'b', 'delta'],
      metricRows.map((m) => [m.metric, formatNumber(m.a), formatNumber(m.b), verdictText(m)]),
      ['left', 'right', 'right', 'left'],
    ),
  );
  out.write(`${blocks.join('\n\n')}\n`);
}

export async function printSqlResult(ctx: Context, r: SqlRows, format: OutputFormat): Promise<void> {
  // `tags` is stored as JSON text; it prints as the array it is, the shape list/show --json give.
  const columns = r.columns.map((c) => ({
    header: c,
    key: c,
    value:
      c === 'tags' ? (row: Record<string, unknown>) => tagsValue(row[c]) : (row: Record<string, unknown>) => row[c],
  }));
  // JSON and CSV stream (any size); a table needs every row to size its columns.
  if (format === 'table') await render([...r.rows], columns, format, ctx.io.stdout);
  else await renderStream(r.rows, columns, format, ctx.io.stdout);
  if (r.truncated) ctx.notice(`truncated at ${r.limit} rows (use --limit)`);
}

export async function printPlot(ctx: Context, p: PlotData, format: OutputFormat = 'table'): Promise<void> {
  if (format !== 'table') {
    // One row per point: a resumed run's points continue its parent's (iter = steps trained; with
    // --x tokens also the tokens trained, continued the same way).
    const rows = p.series.flatMap((s) =>
      s.points.map((pt) => ({ run_id: s.runId, split: s.split, iter: pt.iter, trained_tokens: pt.x, value: pt.y })),
    );
    type Row = (typeof rows)[number];
    const keys = [
      'run_id',
      'split',
      'iter',
      ...(p.x === 'tokens' ? (['trained_tokens'] as const) : []),
      'value',
    ] as const;
    await render(
      rows,
      keys.map((k) => ({
        header: k === 'value' ? p.metric : k,
        key: k === 'value' ? p.metric : k,
        value: (r: Row) => r[k],
      })),
      format,
      ctx.io.stdout,
    );
    return;
  }
  const drawn = p.series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) {
    ctx.notice(`nothing to plot: no ${p.metric} values in ${[...new Set(p.series.map((s) => s.runId))].join(', ')}`);
    return;
  }
  const { marks, colours, repeated } = assignMarks(drawn);
  if (repeated)
    ctx.notice(
      `warning: ${new Set(drawn.map((s) => s.runId)).size} runs and ${MARK_PAIRS.length} mark pairs: some runs share a mark (plot fewer runs to tell them all apart)`,
    );
  // The split is named when there is a val curve to tell it from (a train-only metric needs none).
  const withSplit = p.series.some((s) => s.split === 'val');
  const series: Series[] = drawn.map((s, i) => ({
    label: withSplit ? `${s.runId} ${s.split}` : s.runId,
    points: s.points,
    mark: marks[i],
    colour: colours[i],
  }));
  const width = p.width ?? terminalWidth(ctx);
  const height = p.height ?? 16;
  const xLabel = p.x === 'tokens' ? 'tokens' : 'iter';
  const formatX = p.x === 'tokens' ? thousands : undefined;
  ctx.io.stdout.write(
    `${renderChart(series, { width, height, paint: painter(ctx), yLabel: p.metric, xLabel, formatX }).join('\n')}\n`,
  );
}

/** `pushed 214 runs from mbp-anna (3 new, 1 grown, 210 unchanged), 41,200 metric rows in 1.1s` */
export function printPushReport(ctx: Context, r: PushReport): void {
  for (const w of r.warnings) ctx.notice(`warning: ${w}`);
  const parts = [
    `${r.new} new`,
    `${r.grown} grown`,
    ...(r.updated ? [`${r.updated} updated`] : []),
    `${r.unchanged} unchanged`,
  ];
  ctx.notice(
    `pushed ${thousands(r.total)} runs from ${r.host} (${parts.join(', ')}), ` +
      `${thousands(r.metricRows)} metric rows in ${r.seconds.toFixed(1)}s`,
  );
}
