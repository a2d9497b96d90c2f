// The one path from the local index to the team database, shared by `runs push` and the live push
// of `runs train`: what the team database lacks of the given runs, judged by what it says it holds,
// in batches of whole runs (one transaction each).
import { RunsError } from '../core/errors.js';
import { teamIdentity, type PushRun, type PushSource, type RunRow, type TeamDatabase } from '../db/index.js';
import type { IndexerContext } from './sync.js';

export interface PublishReport {
  host: string;
  total: number;
  new: number;
  grown: number;
  updated: number;
  unchanged: number;
  metricRows: number;
  warnings: string[];
}

/** One transaction carries at most about this many metric rows (or BATCH_RUNS runs). */
const BATCH_ROWS = 200_000;
const BATCH_RUNS = 1000;
/** Up to this many runs asked for by id are looked up one by one (a live push: one run). */
const FEW_RUNS = 16;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The host name runs are published under; a name that cannot be part of `host:id` is refused. */
export function publishHost(ctx: { hostName(): string }): string {
  const host = ctx.hostName();
  if (!HOST_NAME.test(host)) {
    throw new RunsError(
      `"${host}" cannot name this machine in the team database (letters, digits, ".", "_", "-"; no ":"): set RUNS_HOST`,
    );
  }
  return host;
}

/** Publishes these local runs (all of them when `ids` is null). */
export async function publishRuns(
  ctx: IndexerContext,
  team: TeamDatabase,
  host: string,
  ids: ReadonlySet<string> | null,
): Promise<PublishReport> {
  const index = await ctx.index();
  const { teamUid, rowHash } = await teamIdentity();
  const states = index.storedStates();
  const few = ids !== null && ids.size <= FEW_RUNS;
  const rows: RunRow[] = few
    ? [...ids].map((id) => index.getRun(id)).filter((r): r is RunRow => r !== undefined)
    : index.listRuns({ sort: 'started', descending: false }).filter((r) => !ids || ids.has(r.id));
  const runs: PushRun[] = rows.map((row) => {
    const s = states.get(row.id);
    return {
      uid: teamUid(row, host),
      row,
      hash: rowHash(row, host),
      committedMetrics: s?.committed_seq ?? 0,
      committedCheckpoints: s?.committed_checkpoint_seq ?? 0,
    };
  });
  const report: PublishReport = {
    host,
    total: runs.length,
    new: 0,
    grown: 0,
    updated: 0,
    unchanged: 0,
    metricRows: 0,
    warnings: [],
  };
  // Unchanged runs cost one hash and a map lookup: their row is what the team database holds.
  // For a few runs pushBatch's own check (under the host's lock) is cheaper than reading the
  // state of every run of this host.
  let changed = runs;
  if (!few) {
    const held = await team.pushState(host);
    // (A run pushed before extra metrics were carried has no values_seq: it is sent again.)
    changed = runs.filter((r) => {
      const h = held.get(r.uid);
      return h?.row_hash !== r.hash || h.values_seq === null;
    });
    report.unchanged = runs.length - changed.length;
  }
  const source: PushSource = {
    metricsFrom: (id, from) => index.metricsOf(id, from - 1),
    checkpointsFrom: (id, from) => index.checkpointsOf(id).filter((c) => c.seq >= from),
    valuesFrom: (id, from) => index.metricValuesFrom(id, from),
  };
  let batch: PushRun[] = [];
  let size = 0;
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
    size = 0;
  };
  for (const run of changed) {
    batch.push(run);
    size += run.row.train_reports + run.row.val_reports + 1;
    if (size >= BATCH_ROWS || batch.length >= BATCH_RUNS) await send();
  }
  await send();
  return report;
}
