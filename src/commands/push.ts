// runs push [RUN...]: publish this machine's runs to the team database. The local index is brought
// up to date first (as `runs index` does); then only what the team database lacks is sent, judged
// by what it says it holds (so a rebuilt local index or a second push sends nothing twice).
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import { resolveRunRef } from '../core/run-ref.js';
import { teamIdentity, type PushRun, type PushSource, type RunsIndex } from '../db/index.js';
import { syncAll } from './sync.js';

export interface PushReport {
  host: string;
  total: number;
  new: number;
  grown: number;
  updated: number;
  unchanged: number;
  metricRows: number;
  seconds: number;
  warnings: string[];
}

/** One transaction carries at most about this many metric rows (or BATCH_RUNS runs). */
const BATCH_ROWS = 200_000;
const BATCH_RUNS = 1000;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function pushRuns(ctx: Context, refs: string[], opts: { quiet?: boolean } = {}): Promise<PushReport> {
  const started = performance.now();
  const host = checkedHost(ctx.hostName());
  const synced = await syncAll(ctx, 'full');
  const index = await ctx.index();
  // Connect (and migrate) after indexing: a down team database must not cost the local index.
  const team = await ctx.teamDatabase();
  const ids = selectedIds(index, refs);
  const { teamUid, rowHash } = await teamIdentity();
  const states = index.storedStates();
  const runs: PushRun[] = [];
  for (const row of index.listRuns({ sort: 'started', descending: false })) {
    if (ids && !ids.has(row.id)) continue;
    const s = states.get(row.id);
    runs.push({
      uid: teamUid(row, host),
      row,
      hash: rowHash(row, host),
      committedMetrics: s?.committed_seq ?? 0,
      committedCheckpoints: s?.committed_checkpoint_seq ?? 0,
    });
  }
  const held = await team.pushState(host);
  const report: PushReport = {
    host,
    total: runs.length,
    new: 0,
    grown: 0,
    updated: 0,
    unchanged: 0,
    metricRows: 0,
    seconds: 0,
    warnings: [...synced.warnings],
  };
  // Unchanged runs cost one hash and a map lookup: their row is what the team database holds.
  const changed = runs.filter((r) => held.get(r.uid)?.row_hash !== r.hash);
  report.unchanged = runs.length - changed.length;
  const source: PushSource = {
    metricsFrom: (id, from) => index.metricsOf(id, from - 1),
    checkpointsFrom: (id, from) => index.checkpointsOf(id).filter((c) => c.seq >= from),
  };
  let batch: PushRun[] = [];
  let rows = 0;
  const send = async () => {
    if (!batch.length) return;
    const r = await team.pushBatch(host, batch, source);
    report.new += r.new;
    report.grown += r.grown;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
    report.metricRows += r.metricRows;
    report.warnings.push(...r.skipped);
    batch = [];
    rows = 0;
  };
  for (const run of changed) {
    batch.push(run);
    rows += run.row.train_reports + run.row.val_reports + 1;
    if (rows >= BATCH_ROWS || batch.length >= BATCH_RUNS) await send();
  }
  await send();
  report.seconds = (performance.now() - started) / 1000;
  void opts;
  return report;
}

function checkedHost(host: string): string {
  if (!HOST_NAME.test(host)) {
    throw new RunsError(
      `"${host}" cannot name this machine in the team database (letters, digits, ".", "_", "-"; no ":"): set RUNS_HOST`,
    );
  }
  return host;
}

function selectedIds(index: RunsIndex, refs: string[]): Set<string> | null {
  if (refs.length === 0) return null;
  const candidates = index.refCandidates();
  return new Set(refs.map((ref) => resolveRunRef(ref, candidates)));
}
