// What the web view shows, read through the async index reader (db/reader.ts) only: `runs ui`
// serves it as the JSON API, `runs report` inlines it into one HTML file. Not a command itself.
import { RunsError, UsageError } from '../core/errors.js';
import { downsampleMinMax } from '../core/downsample.js';
import { resolveRunRef, resolveTeamRunRef } from '../core/run-ref.js';
import { METRIC_COLUMNS, WhereError, type MetricRow, type MetricTuple, type RunsReader } from '../db/index.js';
import { runPaths } from '../storage/layout.js';
import { lineageOf } from '../storage/lineage.js';
import { continuedAxes, tokensAt } from '../core/curves.js';
import { readLogTail } from '../storage/log-tail.js';
import {
  appendTuples,
  checkpointX,
  emptyChart,
  newClock,
  NO_LEAD_IN,
  tickClock,
  trainingTimes,
  type ChartStart,
  type ChartTuple,
  type RunChart,
  type SplitSeries,
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
    const [rows, checkpoints, times, lead] = await Promise.all([
      this.reader.metricColumn(id, metric),
      this.reader.checkpointsOf(id),
      this.timesOf(id),
      this.leadIn(id, [metric]),
    ]);
    return buildChart(
      id,
      metric,
      rows,
      checkpoints,
      points,
      times,
      lead.start,
      lead.splits[metric],
      lead.checkpoints[metric],
    );
  }

  /**
   * A resumed run's chart begins with the runs it continues (runs.parent + iter_offset, as `plot`
   * and `show` join them): each one's points up to where its child took over, on the same
   * continued axes, and where the run's own rows start (iteration, tokens, training time).
   */
  private async leadIn(id: string, metrics: readonly string[]): Promise<LeadIn> {
    const run = await this.reader.getRun(id);
    // Most runs continue nothing: no lineage read (it reads every part's rows).
    const lineage = run && run.parent !== null && run.iter_offset !== null ? await lineageOf(this.reader, run) : [];
    const splits: Record<string, Record<string, SplitSeries>> = {};
    const checkpoints: Record<string, number[]> = {};
    let start: ChartStart = NO_LEAD_IN;
    for (let i = 0; i + 1 < lineage.length; i++) {
      const p = lineage[i]!;
      const saved = metrics.length ? await this.reader.checkpointsOf(p.id) : [];
      // Every part's rows drive its clock; it starts where the parts before it stopped.
      const clock = { ...newClock(), seconds: start.seconds };
      const bySeq = new Map<number, number | null>();
      for (const r of p.metrics)
        bySeq.set(r.seq, tickClock(clock, r.segment, r.iter, r.split, r.it_per_sec, r.val_time_s));
      let seconds: number | null = start.seconds;
      for (const a of continuedAxes(p.metrics))
        if (p.upTo === null || a.iter <= p.upTo) seconds = bySeq.get(a.row.seq) ?? null;
      for (const m of metrics) {
        const own = emptyChart(p.id, m);
        appendTuples(
          own,
          (await this.reader.metricColumn(p.id, m)).map((r) => [...r, bySeq.get(r[0]) ?? null]),
        );
        // Its checkpoints up to where the child took over (the one it resumed from included).
        const marks = (checkpoints[m] ??= []);
        for (const c of saved) {
          const x = checkpointX(own.axis, c.segment, c.iter);
          if (p.upTo === null || x <= p.upTo) marks.push(x + p.shift);
        }
        const into = (splits[m] ??= {});
        for (const [split, s] of Object.entries(own.splits)) {
          const out = (into[split] ??= { x: [], tok: [], t: [], y: [] });
          for (let k = 0; k < s.x.length; k++) {
            if (p.upTo !== null && s.x[k]! > p.upTo) continue;
            out.x.push(s.x[k]! + p.shift);
            out.tok.push(s.tok[k] === null ? null : s.tok[k]! + start.tokens);
            out.t.push(s.t[k]!);
            out.y.push(s.y[k]!);
          }
        }
      }
      start = {
        iter: lineage[i + 1]!.shift,
        tokens: start.tokens + (tokensAt(p.metrics, p.upTo) ?? 0),
        seconds,
      };
    }
    return { start, splits, checkpoints };
  }

  /**
   * A metric's rows after `afterSeq`, with their training time, never thinned: what a live page
   * appends to a chart of an extra metric (whose values are not in the `metrics` rows).
   */
  async seriesAfter(ref: string, metric: string, afterSeq: number): Promise<ChartTuple[]> {
    const id = await this.resolve(ref);
    const [rows, times, lead] = await Promise.all([
      this.reader.metricColumn(id, metric),
      this.timesOf(id),
      this.leadIn(id, []),
    ]);
    // A resumed run's clock continues after its parents' part.
    const bySeq = trainingTimes(times.itPerSec, times.valTime, { ...newClock(), seconds: lead.start.seconds });
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
    const [checkpoints, times, lead] = await Promise.all([
      this.reader.checkpointsOf(id),
      this.timesOf(id),
      this.leadIn(id, metrics),
    ]);
    const out: Record<string, RunChart> = {};
    for (const m of metrics) {
      const rows = await this.reader.metricColumn(id, m);
      const c = buildChart(id, m, rows, checkpoints, points, times, lead.start, lead.splits[m], lead.checkpoints[m]);
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

/** What a resumed run's chart starts with (DashboardData.leadIn). */
interface LeadIn {
  start: ChartStart;
  /** metric → split → the parents' points, already on the run's axes. */
  splits: Record<string, Record<string, SplitSeries>>;
  /** metric → the parents' checkpoints (iteration axis), already on the run's axis. */
  checkpoints: Record<string, number[]>;
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
  start: ChartStart = NO_LEAD_IN,
  leadIn: Record<string, SplitSeries> = {},
  leadInCheckpoints: readonly number[] = [],
): RunChart {
  const chart = emptyChart(id, metric, start);
  // A resumed run: its parents' points come first, its own rows continue the axes after them.
  for (const [split, s] of Object.entries(leadIn))
    chart.splits[split] = { x: [...s.x], tok: [...s.tok], t: [...s.t], y: [...s.y] };
  // The timing columns were read by other statements: rows a live run added in between are
  // left out, so the clock handed to the page stands exactly at the chart's last row (a live
  // page ticks it on with the `metrics` rows after that one).
  const last = rows.at(-1)?.[0] ?? -1;
  const upTo = (c: readonly MetricTuple[]) => c.filter((r) => r[0] <= last);
  const clock = chart.axis.clock;
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
  chart.checkpoints = [...leadInCheckpoints, ...checkpoints.map((c) => checkpointX(chart.axis, c.segment, c.iter))];
  return chart;
}
