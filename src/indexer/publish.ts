// The one path from the local index to the team database, shared by `runs push` and the live push
// of `runs train`: what the team database lacks of the given runs, judged by what it says it holds,
// in batches of whole runs (one transaction each).
import { RunsError } from '../core/errors.js';
import {
  runRowOf,
  teamIdentity,
  type PushRun,
  type PushSource,
  type RowIdentity,
  type RunsIndex,
  type RunTuple,
  type TeamDatabase,
} from '../db/index.js';
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
  const { teamUid, rowHash, ROW_HASH_SCHEME } = await teamIdentity();
  const identify = (t: RunTuple): RowIdentity => ({ uid: teamUid(t, host), hash: rowHash(t.values, host) });
  const few = ids !== null && ids.size <= FEW_RUNS;
  // For a few runs pushBatch's own check (under the host's lock) is cheaper than reading the
  // state of every run of this host. Asked first: the server answers while the rows are hashed.
  const holding = few ? null : team.pushedHashes(host);
  holding?.catch(() => {});
  const local: LocalRun[] = few
    ? [...ids].flatMap((id) => index.runTuples(id)).map((t) => ({ ...t, ...identify(t) }))
    : identifiedRuns(index, ids, host, ROW_HASH_SCHEME, identify);
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
  // Unchanged runs cost a map lookup: their row is what the team database holds.
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
  // The changed runs whose hash was stored: their rows are read now (and hashed with them).
  const unread = changed.filter((r) => !r.values).map((r) => r.id);
  const read = new Map(
    (unread.length ? index.hashRunTuples(unread, host, ROW_HASH_SCHEME, identify) : []).map((r) => [r.id, r]),
  );
  // One run (a live push) reads its own bookkeeping row only; with nothing to send, none is read.
  const committed =
    changed.length === 0
      ? new Map<string, { metrics: number; checkpoints: number }>()
      : index.committedSeqs(changed.length === 1 ? changed[0]!.id : undefined);
  const runs: PushRun[] = changed.flatMap((r) => {
    const run = r.values ? r : read.get(r.id);
    if (!run?.values) return []; // removed locally since it was listed
    const c = committed.get(run.id);
    return [
      {
        uid: run.uid,
        row: runRowOf(run.values),
        hash: run.hash,
        committedMetrics: c?.metrics ?? 0,
        committedCheckpoints: c?.checkpoints ?? 0,
      },
    ];
  });
  const source: PushSource = { rows: (table, id, from, to) => index.pushRows(table, id, from, to) };
  let batch: PushRun[] = [];
  let size = 0;
  let done = 0;
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

/** A local run as the push sees it: its identity in the team database, and its row when it was read. */
interface LocalRun extends RowIdentity {
  id: string;
  values?: unknown[];
}

/**
 * Every local run (or those in `ids`) with its team uid and row hash: stored ones as they are
 * (their rows unchanged since, see run_hashes), the others read and hashed now, and stored for
 * the next push. A push with nothing new so reads none of the wide runs rows: at 10,000 runs,
 * reading and hashing them was ~0.2 s of a ~0.7 s no-op push.
 */
function identifiedRuns(
  index: RunsIndex,
  ids: ReadonlySet<string> | null,
  host: string,
  scheme: string,
  identify: (t: RunTuple) => RowIdentity,
): LocalRun[] {
  const stored = index.storedRowHashes(host, scheme);
  const wanted = ids ? index.runIds().filter((id) => ids.has(id)) : index.runIds();
  const missing = wanted.filter((id) => !stored.has(id));
  // Most runs missing (a first push, a new recipe): one read of the whole table beats a query per run.
  const fresh = missing.length
    ? index.hashRunTuples(missing.length > wanted.length / 2 ? null : missing, host, scheme, identify)
    : [];
  const read = new Map(fresh.map((r) => [r.id, r]));
  // (A run removed by another command since the ids were listed is in neither: it is left out.)
  return wanted.flatMap((id) => {
    const run = read.get(id) ?? stored.get(id);
    return run ? [{ ...run, id }] : [];
  });
}
