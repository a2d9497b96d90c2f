// What the web view shows, read through the async index reader (db/reader.ts) only: `runs ui`
// serves it as the JSON API, `runs report` inlines it into one HTML file. Not a command itself.
import { RunsError, UsageError } from '../core/errors.js';
import { downsampleMinMax } from '../core/downsample.js';
import { resolveRunRef, resolveTeamRunRef } from '../core/run-ref.js';
import { METRIC_COLUMNS, WhereError, type MetricRow, type MetricTuple, type RunsReader } from '../db/index.js';
import { runPaths } from '../storage/layout.js';
import { readLogTail } from '../storage/log-tail.js';
import {
  appendTuples,
  checkpointX,
  emptyChart,
  newClock,
  trainingTimes,
  type ChartTuple,
  type RunChart,
} from './series.js';
import { parseTags, runDetails, toRunSummaryJson, type RunDetails, type RunSummaryJson } from '../core/run-json.js';

/** Points per series sent to a chart: more than a chart is wide, so nothing visible is lost. */
export const DEFAULT_CHART_POINTS = 2000;
export const LOG_TAIL_LINES = 200;

export interface RunPage {
  id: string;
  lines: string[];
  warnings: string[];
  /** Why a failed / crashed / interrupted run ended, as far as the index and the log say. */
  failure: string | null;
}

export class DashboardData {
  constructor(
    private readonly reader: RunsReader,
    /**
     * The runs root, for log tails; null: the reader is the team database (run folders stay on
     * each host, refs are host:id, host:latest, …).
     */
    private readonly root: string | null,
  ) {}

  /** `runs list --json` objects (its default order: newest first), optionally filtered. */
  async listRuns(where?: string): Promise<RunSummaryJson[]> {
    try {
      const rows = await this.reader.listRuns({ sort: 'started', descending: true, where });
      return rows.map(toRunSummaryJson);
    } catch (err) {
      if (err instanceof WhereError) throw new UsageError(err.message);
      throw err;
    }
  }

  /** A run reference (id, prefix, latest~N) → the id, or RunsError / UsageError. */
  async resolve(ref: string): Promise<string> {
    // The page always asks by full id: one lookup instead of reading every run's id.
    if (/^[A-Za-z0-9][A-Za-z0-9_.:+-]*$/.test(ref) && (await this.reader.getRun(ref))) return ref;
    const candidates = await this.reader.refCandidates();
    return this.root === null ? resolveTeamRunRef(ref, candidates) : resolveRunRef(ref, candidates);
  }

  async details(ref: string): Promise<RunDetails> {
    const id = await this.resolve(ref);
    const run = await this.reader.getRun(id);
    if (!run) throw new RunsError(`run ${id} disappeared while reading it`);
    const [metrics, params, checkpoints] = await Promise.all([
      this.reader.metricsOf(id),
      this.reader.paramsOf(id),
      this.reader.checkpointsOf(id),
    ]);
    return runDetails(run, metrics, params, checkpoints);
  }

  /** `runs show <id> --json`. */
  async showJson(ref: string): Promise<RunDetails['json']> {
    return (await this.details(ref)).json;
  }

  /** Every metric row after `afterSeq`, as stored (never thinned). */
  async metrics(ref: string, afterSeq: number): Promise<MetricRow[]> {
    return this.reader.metricsOf(await this.resolve(ref), { afterSeq });
  }

  /** One metric of one run as chart series, each split thinned to `points` (peaks kept). */
  async chart(ref: string, metric: string, points = DEFAULT_CHART_POINTS): Promise<RunChart> {
    const id = await this.resolve(ref);
    const [rows, checkpoints, times] = await Promise.all([
      this.reader.metricColumn(id, metric),
      this.reader.checkpointsOf(id),
      this.timesOf(id),
    ]);
    return buildChart(id, metric, rows, checkpoints, points, times);
  }

  /**
   * A metric's rows after `afterSeq`, with their training time, never thinned: what a live page
   * appends to a chart of an extra metric (whose values are not in the `metrics` rows).
   */
  async seriesAfter(ref: string, metric: string, afterSeq: number): Promise<ChartTuple[]> {
    const id = await this.resolve(ref);
    const [rows, times] = await Promise.all([this.reader.metricColumn(id, metric), this.timesOf(id)]);
    const bySeq = trainingTimes(times.itPerSec, times.valTime);
    return rows.filter((r) => r[0] > afterSeq).map((r) => [...r, bySeq.get(r[0]) ?? null]);
  }

  /** What the training time of each row is computed from: the log's It/sec and Val took. */
  private async timesOf(id: string): Promise<TimingColumns> {
    const [itPerSec, valTime] = await Promise.all([
      this.reader.metricColumn(id, 'it_per_sec'),
      this.reader.metricColumn(id, 'val_time_s'),
    ]);
    return { itPerSec, valTime };
  }

  /** Every metric a run has, for the report (which cannot ask later). */
  async charts(id: string, metrics: readonly string[], points: number): Promise<Record<string, RunChart>> {
    const [checkpoints, times] = await Promise.all([this.reader.checkpointsOf(id), this.timesOf(id)]);
    const out: Record<string, RunChart> = {};
    for (const m of metrics) {
      const c = buildChart(id, m, await this.reader.metricColumn(id, m), checkpoints, points, times);
      if (Object.keys(c.splits).length > 0) out[m] = c;
    }
    return out;
  }

  /** The metrics a chart can show: the `metrics` columns, then every extra metric in the index. */
  async metricNames(): Promise<string[]> {
    return [
      ...METRIC_COLUMNS,
      ...(await this.reader.metricNames()).filter((n) => !(METRIC_COLUMNS as readonly string[]).includes(n)),
    ];
  }

  async page(ref: string): Promise<RunPage> {
    const id = await this.resolve(ref);
    const run = await this.reader.getRun(id);
    if (!run) throw new RunsError(`run ${id} disappeared while reading it`);
    const lines = this.root === null ? [] : readLogTail(runPaths(this.root, id).log, LOG_TAIL_LINES);
    const warnings = parseTags(run.warnings);
    let failure: string | null = null;
    if (run.status === 'failed' || run.status === 'crashed' || run.status === 'interrupted') {
      const how = run.signal
        ? `killed by ${run.signal}`
        : run.exit_code !== null
          ? `exit code ${run.exit_code}`
          : run.status;
      // The trainer's own last words: a Python traceback ends with the exception line.
      const last = [...lines].reverse().find((l) => /(Error|Exception|Killed|Traceback)\b/.test(l));
      failure = `${run.status}: ${how}${last ? ` (${last.trim()})` : ''}`;
    }
    return { id, lines, warnings, failure };
  }
}

interface TimingColumns {
  itPerSec: readonly MetricTuple[];
  valTime: readonly MetricTuple[];
}

export function buildChart(
  id: string,
  metric: string,
  rows: readonly MetricTuple[],
  checkpoints: readonly { segment: number; iter: number }[],
  points: number,
  times: TimingColumns,
): RunChart {
  const chart = emptyChart(id, metric);
  // The timing columns were read by other statements: rows a live run added in between are
  // left out, so the clock handed to the page stands exactly at the chart's last row (a live
  // page ticks it on with the `metrics` rows after that one).
  const last = rows.at(-1)?.[0] ?? -1;
  const upTo = (c: readonly MetricTuple[]) => c.filter((r) => r[0] <= last);
  const clock = newClock();
  const bySeq = trainingTimes(upTo(times.itPerSec), upTo(times.valTime), clock);
  appendTuples(
    chart,
    rows.map((r) => [...r, bySeq.get(r[0]) ?? null]),
  );
  chart.axis.clock = clock;
  for (const s of Object.values(chart.splits)) {
    const keep = downsampleMinMax(s.y, points);
    if (keep.length === s.y.length) continue;
    s.x = keep.map((i) => s.x[i]!);
    s.tok = keep.map((i) => s.tok[i]!);
    s.t = keep.map((i) => s.t[i]!);
    s.y = keep.map((i) => s.y[i]!);
  }
  chart.checkpoints = checkpoints.map((c) => checkpointX(chart.axis, c.segment, c.iter));
  return chart;
}
