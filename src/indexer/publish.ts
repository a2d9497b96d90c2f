// The one path from the local index to the team database, shared by `runs push` and the live push
// of `runs train`: what the team database lacks of the given runs, judged by what it says it holds,
// in batches of whole runs (one transaction each).
import { RunsError } from '../core/errors.js';
import { runRowOf, teamIdentity, type PushRun, type PushSource, type TeamDatabase } from '../db/index.js';
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

/**
 * Publishes these local runs (all of them when `ids` is null); `onProgress` hears of the runs done
 * (the unchanged ones at once, the others batch by batch).
 */
export async function publishRuns(
  ctx: IndexerContext,
  team: TeamDatabase,
  host: string,
  ids: ReadonlySet<string> | null,
  onProgress?: (done: number, total: number) => void,
): Promise<PublishReport> {
  const index = await ctx.index();
  const { teamUid, rowHash } = await teamIdentity();
  const few = ids !== null && ids.size <= FEW_RUNS;
  // For a few runs pushBatch's own check (under the host's lock) is cheaper than reading the
  // state of every run of this host. Asked first: the server answers while the rows are hashed.
  const holding = few ? null : team.pushedHashes(host);
  holding?.catch(() => {});
  const tuples = few
    ? [...ids].flatMap((id) => index.runTuples(id))
    : index.runTuples().filter((t) => !ids || ids.has(t.id));
  const local = tuples.map((t) => ({
    id: t.id,
    values: t.values,
    uid: teamUid(t, host),
    hash: rowHash(t.values, host),
  }));
  const report: PublishReport = {
    host,
    total: local.length,
    new: 0,
    grown: 0,
    updated: 0,
    unchanged: 0,
    metricRows: 0,
    warnings: [],
  };
  // Unchanged runs cost one hash and a map lookup: their row is what the team database holds.
  let changed = local;
  if (holding) {
    const held = await holding;
    // (A run pushed before extra metrics were carried has no values_seq: it is sent again.)
    changed = local.filter((r) => {
      const h = held.get(r.uid);
      return h?.row_hash !== r.hash || h.values_seq === null;
    });
    report.unchanged = local.length - changed.length;
  }
  // One run (a live push) reads its own bookkeeping row only.
  const committed = index.committedSeqs(changed.length === 1 ? changed[0]!.id : undefined);
  const runs: PushRun[] = changed.map(({ id, values, uid, hash }) => {
    const c = committed.get(id);
    return {
      uid,
      row: runRowOf(values),
      hash,
      committedMetrics: c?.metrics ?? 0,
      committedCheckpoints: c?.checkpoints ?? 0,
    };
  });
  const source: PushSource = { rows: (table, id, from, to) => index.pushRows(table, id, from, to) };
  let batch: PushRun[] = [];
  let size = 0;
  let done = runs.length - changed.length;
  const send = async () => {
    if (!batch.length) return;
    onProgress?.(done, runs.length);
    const r = await team.pushBatch(host, batch, source);
    done += batch.length;
    onProgress?.(done, runs.length);
    report.new += r.new;
    report.grown += r.grown;
    report.updated += r.updated;
    report.unchanged += r.unchanged;
    report.metricRows += r.metricRows;
    report.warnings.push(...r.skipped);
    batch = [];
    size = 0;
  };
  for (const run of runs) {
    batch.push(run);
    size += run.row.train_reports + run.row.val_reports + 1;
    if (size >= BATCH_ROWS || batch.length >= BATCH_RUNS) await send();
  }
  await send();
  return report;
}
