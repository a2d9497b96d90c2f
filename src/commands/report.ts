// runs report: the dashboard's table, charts and compare view as one self-contained HTML file.
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { loadFrontEnd, reportHtml } from '../ui/assets.js';
import { DashboardData } from '../ui/dashboard-data.js';
import { syncAll } from '../indexer/sync.js';

export interface ReportOptions {
  where?: string;
  output: string;
}

export interface ReportResult {
  file: string;
  runs: number;
  bytes: number;
}

/** Points per series in a report: enough for a full-width chart, small enough to mail. */
const REPORT_POINTS = 1000;

export async function writeReport(ctx: Context, refs: string[], opts: ReportOptions): Promise<ReportResult> {
  if (!ctx.team()) {
    const report = await syncAll(ctx, 'fresh');
    for (const w of report.warnings) ctx.notice(`warning: ${w}`);
  }
  const file = path.resolve(ctx.cwd, opts.output);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    throw new RunsError(
      `-o ${opts.output} is a directory: give a file name, e.g. -o ${path.join(opts.output, 'report.html')}`,
    );
  }
  const front = loadFrontEnd();
  // --team: every host's runs from the team database (no run folders there, so no log tails).
  const data = new DashboardData(await ctx.reader(), ctx.team() ? null : ctx.locations().root);
  let runs = await data.listRuns(opts.where);
  if (refs.length > 0) {
    const wanted = new Set<string>();
    for (const ref of refs) wanted.add(await data.resolve(ref));
    runs = runs.filter((r) => wanted.has(r.id));
  }
  const details: Record<string, unknown> = {};
  const charts: Record<string, unknown> = {};
  const metrics = await data.metricNames();
  for (const r of runs) {
    details[r.id] = await data.showJson(r.id);
    charts[r.id] = await data.charts(r.id, metrics, REPORT_POINTS);
  }
  const html = reportHtml(
    front,
    { generated_at: ctx.now().toISOString(), runs, details, charts, metrics },
    `runs report (${runs.length} runs)`,
  );
  try {
    writeFileAtomic(file, html);
  } catch (err) {
    throw new RunsError(
      `cannot write ${opts.output} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): choose another -o path`,
    );
  }
  return { file: opts.output, runs: runs.length, bytes: Buffer.byteLength(html) };
}
