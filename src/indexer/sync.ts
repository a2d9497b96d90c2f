// Bringing the index up to date with the run folders. The one writer path: `runs index`, the
// freshness check of read commands (refresh.ts), and live indexing in `runs train` all come
// through here.
//
// Layers: commands → indexer → {core, parse, storage, trainer, db}. Commands never write the index
// themselves; they call syncAll / syncOneRun / forgetRuns, then read through ctx.reader(). This
// folder is the only one that receives the SQLite local-index bookkeeping (stored states, parse
// state, meta, the writer, removal); the pieces: plan.ts (pure: what to add, re-read, drop),
// run-files.ts (run.json, adapter_config.json, config.yaml), log-reader.ts (incremental train.log
// and metrics.jsonl), crashed.ts (statuses the record does not say), index-access.ts (which index a
// command opens).
//
// Cost model: an unchanged run costs a few stats; a grown train.log is read from where the last
// pass stopped (parser state saved in the index); rows go in through prepared multi-row INSERTs,
// one transaction per batch, on a writer thread when a pass reads many runs (db/index-writer.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunsError } from '../core/errors.js';
import type { RunStatus } from '../core/manifest.js';
import { emptySummaryState } from '../core/summarize.js';
import { MlxLogParser } from '../parse/mlx-log-parser.js';
import { toRunRow, type IndexWriter, type RunWrite, type RunsIndex, type StoredState } from '../db/index.js';
import { loadConfigYaml } from '../storage/config-yaml.js';
import { LATEST_LINK, runPaths } from '../storage/layout.js';
import { isRunFolder, listRunFolderNames, stampRunFolder } from '../storage/scan.js';
import { isRecorderAlive } from '../storage/liveness.js';
import { processStartedAt } from '../trainer/probe.js';
import { markCrashed, statusFromHint } from './crashed.js';
import { readLogInPieces, readPersistedParse, type LogPass } from './log-reader.js';
import { firstLook, logReadFrom, planPass, sameFiles, stampKey, type SyncMode } from './plan.js';
import { insideRootOnly, readConfigFiles, readManifest } from './run-files.js';

export type { SyncMode } from './plan.js';

/**
 * What the indexer needs of a command's context (commands pass their Context): the local index
 * (never the team database: a pass mirrors this machine's folders), where the root is, and where
 * to say things.
 */
export interface IndexerContext {
  index(): Promise<RunsIndex>;
  locations(): { root: string; dbPath: string };
  notice(line: string): void;
  warn(message: string): void;
}

export interface SyncReport {
  total: number;
  added: number;
  changed: number;
  unchanged: number;
  removed: number;
  metricRows: number;
  warnings: string[];
  seconds: number;
}

/** From this many runs to read, a pass writes on a worker thread (starting one costs ~50 ms). */
const BULK_RUNS = 200;

/** Brings the index up to date with the folders; `onProgress` hears of each run looked at. */
export async function syncAll(
  ctx: IndexerContext,
  mode: SyncMode,
  onProgress?: (done: number, total: number) => void,
): Promise<SyncReport> {
  const started = performance.now();
  const index = await ctx.index();
  const { root, dbPath } = ctx.locations();
  if (mode === 'rebuild') index.clear();
  claimRoot(ctx, index, root, dbPath);
  // An index made by a parser that read less from the same bytes (e.g. before mlx-lm-lora lines
  // were records) would keep its old answers for unchanged runs: re-read everything once. Migration
  // 0004 marks an older index with runs as version 1; no mark is a new index (live indexing by
  // `runs train` fills one without a pass through here, so "missing" must not mean "outdated").
  const parserVersion = index.getMeta(PARSER_KEY);
  const outdated = parserVersion !== null && parserVersion !== PARSER_VERSION;
  if (outdated && mode !== 'rebuild' && index.knownRuns().size > 0) {
    index.clear();
    claimRoot(ctx, index, root, dbPath);
  }
  const report: SyncReport = {
    total: 0,
    added: 0,
    changed: 0,
    unchanged: 0,
    removed: 0,
    metricRows: 0,
    warnings: [],
    seconds: 0,
  };
  const warn = (w: string) => report.warnings.push(w);

  const names = listRunFolderNames(root);
  const onDisk = new Set(names);
  if (mode !== 'fresh') checkLatestLink(root, onDisk, warn);
  // The folder listing last seen complete in the index. When it is unchanged, a fresh pass only
  // has to look at runs still `running` (the common case for every read command).
  const listing = listingFingerprint(root, names);
  const sameListing = mode === 'fresh' && index.getMeta(LISTING_KEY) === listing;

  // fresh: ids and statuses only (cheap at 10k runs); full: every run's stamps.
  const known =
    mode !== 'fresh'
      ? null
      : sameListing
        ? new Map(index.runningRuns().map((r) => [r.id, r.status]))
        : index.knownRuns();
  const stored = known ? null : index.storedStates();
  const isKnown = (id: string) => (known ? sameListing || known.has(id) : stored!.has(id));
  const storedOf = (id: string) => (stored ? stored.get(id) : isKnown(id) ? index.storedState(id) : undefined);

  const plan = planPass({ mode, names, sameListing, indexed: known ?? stored! });
  const candidates = plan.look;
  const removed = plan.drop;
  report.unchanged = plan.skipped;

  // Only `runs index` writes a run's files (marking a dead recorder's run crashed); read commands
  // keep what they derive in the index (PRODUCT.md "On disk").
  const env: SyncEnv = { index, root, host: os.hostname(), nowMs: Date.now(), warn, mayWriteRuns: mode !== 'fresh' };
  if (candidates.length > 0) await loadConfigYaml();
  // Many runs to read: insert on the writer thread while this one parses the next logs, and keep
  // the heap to what is alive (db/lean-heap.ts), once there is more than one batch to write.
  const writer = index.openWriter({ bulk: candidates.length >= BULK_RUNS });
  // A folder that is not (yet) a run, e.g. one `runs train` or a copy is still filling.
  let sawNonRun = false;
  try {
    for (const [i, id] of candidates.entries()) {
      onProgress?.(i, candidates.length);
      const outcome = await indexRun(env, id, storedOf(id), writer);
      if (outcome === 'unchanged') report.unchanged++;
      else if (outcome === 'added') report.added++;
      else if (outcome === 'changed') report.changed++;
      else if (isKnown(id)) removed.push(id);
      else sawNonRun = true;
      await writer.throttle();
    }
    await writer.flush();
    // Runs another writer moved on while we read them: redo them from the state it left.
    for (let attempt = 0; attempt < 3 && writer.conflicts.size > 0; attempt++) {
      const again = [...writer.conflicts];
      writer.conflicts.clear();
      for (const id of again) await indexRun(env, id, index.storedState(id), writer);
      await writer.flush();
    }
  } finally {
    await writer.close();
  }
  if (removed.length) index.removeRuns(removed);
  report.removed = removed.length;
  // Remember the listing only when every folder in it made it into the index (so a folder that
  // becomes a run later, or one we could not read, is looked at again by the next pass).
  if (report.warnings.length === 0 && writer.conflicts.size === 0 && !sawNonRun && !sameListing) {
    index.setMeta(LISTING_KEY, listing);
  }
  if (outdated || parserVersion === null || mode === 'rebuild') index.setMeta(PARSER_KEY, PARSER_VERSION);
  report.total = report.added + report.changed + report.unchanged;
  report.metricRows = writer.metricRows;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Brings one run up to date from its folder (live indexing during `runs train`). */
export async function syncOneRun(ctx: IndexerContext, id: string): Promise<void> {
  const index = await ctx.index();
  const { root, dbPath } = ctx.locations();
  claimRoot(ctx, index, root, dbPath);
  // Live indexing re-reads the run many times: ctx.warn says each problem once per command run.
  const env: SyncEnv = {
    index,
    root,
    host: os.hostname(),
    nowMs: Date.now(),
    warn: (w) => ctx.warn(w),
    mayWriteRuns: false,
  };
  await loadConfigYaml();
  for (let attempt = 0; attempt < 3; attempt++) {
    const writer = index.openWriter({ bulk: false });
    await indexRun(env, id, index.storedState(id), writer);
    await writer.close();
    if (writer.conflicts.size === 0) return;
  }
}

/** Runs whose folders this command moved away (`runs rm`): out of the index now, not at the next pass. */
export async function forgetRuns(ctx: IndexerContext, ids: string[]): Promise<void> {
  (await ctx.index()).removeRuns(ids);
}

/**
 * An index belongs to one runs root (recorded in it). Another root is refused with what to do,
 * because mixing two roots' runs in one index shows one root's runs as the other's and `runs
 * index` would then drop them. A root that moved or was copied is the same root: the index
 * follows it (every `path` is repointed) when it lives inside the root, which moves with it, or
 * when the recorded root is gone.
 */
function claimRoot(ctx: IndexerContext, index: RunsIndex, root: string, dbPath: string): void {
  const recorded = index.recordedRoot();
  if (recorded === root && index.getMeta('root') === root) return;
  if (recorded === null || recorded === root || path.dirname(dbPath) === root || !fs.existsSync(recorded)) {
    if (recorded !== null && recorded !== root) {
      ctx.notice(
        `note: the index ${dbPath} was made for ${recorded}; it now follows this root, ${root} (moved or copied)`,
      );
    }
    index.adoptRoot(root);
    return;
  }
  throw new RunsError(
    `the index ${dbPath} belongs to the runs root ${recorded}, not ${root}: one index holds one root's runs; ` +
      `give this root its own index (drop --db / RUNS_DB to use ${path.join(root, 'runs.db')}), ` +
      `or run \`runs --root ${root} --db ${dbPath} index --rebuild\` to make that index hold this root instead`,
  );
}

/** `latest` naming a folder that is gone: said once per `runs index`; the link is left alone. */
function checkLatestLink(root: string, onDisk: ReadonlySet<string>, warn: (w: string) => void): void {
  let target: string;
  try {
    target = fs.readlinkSync(path.join(root, LATEST_LINK));
  } catch {
    return; // no link (or not a link): nothing to say
  }
  if (!onDisk.has(target)) {
    warn(
      `${LATEST_LINK} points at ${target}, which is not a run folder under the root; the next \`runs train\` ` +
        `repoints it, or remove the link (\`latest\` as a run reference still means the newest indexed run)`,
    );
  }
}

const LISTING_KEY = 'root_listing';
const PARSER_KEY = 'parser_version';
/**
 * Bump when the parser (or metrics.jsonl reading, or the runs row) gets more out of the same files.
 * 3: runs.parent and runs.iter_offset from run.json (migration 0006 marks an older index with runs as 2).
 */
const PARSER_VERSION = '3';

/** Root path + a hash of the sorted folder names: equal means no folder was added or removed. */
function listingFingerprint(root: string, names: readonly string[]): string {
  return `${root}\n${createHash('sha1').update(names.join('\n')).digest('hex')}`;
}

interface SyncEnv {
  index: RunsIndex;
  root: string;
  host: string;
  nowMs: number;
  warn: (message: string) => void;
  /** `runs index`: may record in run.json that a dead recorder's run (of this host) crashed. */
  mayWriteRuns: boolean;
  /** The root with symlinks resolved (computed when first needed). */
  rootReal?: string;
}

type RunOutcome = 'unchanged' | 'added' | 'changed' | 'gone';

/** The root with symlinks resolved, computed when first needed. */
function rootReal(env: SyncEnv): string {
  env.rootReal ??= fs.realpathSync.native(env.root);
  return env.rootReal;
}

/** Indexes one folder (or finds it unchanged). Never throws for bad input: warns and goes on. */
async function indexRun(
  env: SyncEnv,
  id: string,
  stored: StoredState | undefined,
  writer: IndexWriter,
): Promise<RunOutcome> {
  const paths = runPaths(env.root, id);
  let stamps = stampRunFolder(env.root, id);
  if (!isRunFolder(stamps)) return 'gone';

  if (firstLook(stored, stamps, env.mayWriteRuns) === 'unchanged') return 'unchanged';
  const filesUnchanged = sameFiles(stored, stamps);

  try {
    const warnings: string[] = [];
    const warn = (w: string) => {
      warnings.push(w);
      env.warn(w);
    };
    stamps = insideRootOnly(rootReal(env), id, paths, stamps, warn);
    if (!isRunFolder(stamps)) return 'gone';
    const { manifest, fallbackStartedAt } = readManifest(paths, id, stamps, warn);
    let status: RunStatus = manifest?.status ?? 'unknown';
    if (
      status === 'running' &&
      manifest &&
      !isRecorderAlive(manifest, paths.heartbeat, { thisHost: env.host, nowMs: env.nowMs, processStartedAt })
    ) {
      status = 'crashed';
      // Only for a run recorded on this host: a run copied or synced from another machine is never
      // rewritten (its recorder may be alive there; a clock skew is not a crash).
      if (env.mayWriteRuns && manifest.host === env.host) {
        status = markCrashed(paths, id, warn);
        stamps = insideRootOnly(rootReal(env), id, paths, stampRunFolder(env.root, id));
      } else if (filesUnchanged && stored?.status === 'crashed') {
        return 'unchanged';
      }
    } else if (filesUnchanged) {
      return 'unchanged'; // a live run whose files have not moved
    }
    // The trainer of a running run writes adapter_config.json with a plain json.dump: one that
    // does not parse yet is half-written, not broken. Its stamp changes when it is whole.
    const { adapterConfig, config } = readConfigFiles(paths, id, stamps, warn, status === 'running');

    const fileStamps = {
      manifest_stamp: stampKey(stamps.manifest),
      adapter_config_stamp: stampKey(stamps.adapterConfig),
      config_stamp: stampKey(stamps.config),
      metrics_jsonl_stamp: stampKey(stamps.metricsJsonl),
    };
    // What this pass assumes is stored: at first what it started from, then what it wrote itself.
    let manifestBasis = stored?.manifest_stamp ?? null;
    const toWrite = (pass: LogPass, reset: boolean, expectedOffset: number | null): RunWrite => {
      const expectedManifestStamp = manifestBasis;
      manifestBasis = fileStamps.manifest_stamp;
      return {
        row: toRunRow({
          id,
          path: paths.dir,
          status: statusFromHint(pass.facts.outcome_hint, status),
          manifest,
          adapterConfig,
          config,
          facts: pass.facts,
          summary: pass.summary.summary,
          fallbackStartedAt,
          warnings,
          indexedAt: new Date(env.nowMs).toISOString(),
        }),
        state: {
          ...fileStamps,
          log_size: pass.logStamp?.size ?? null,
          log_mtime_ms: pass.logStamp?.mtimeMs ?? null,
          log_offset: pass.offset,
          parse_state: pass.persisted ? JSON.stringify(pass.persisted) : null,
          committed_seq: pass.committed.metric,
          committed_checkpoint_seq: pass.committed.checkpoint,
        },
        expectedOffset,
        reset,
        expectedManifestStamp,
        records: pass.records,
      };
    };

    // The folder may be renamed or deleted while we read it: if which files exist changed, what
    // we read is a mix of two states. Say 'gone' (a later pass sees the folder as it is now).
    const now = insideRootOnly(rootReal(env), id, paths, stampRunFolder(env.root, id));
    if (
      !isRunFolder(now) ||
      (now.manifest === null) !== (stamps.manifest === null) ||
      (now.log === null) !== (stamps.log === null)
    ) {
      return 'gone';
    }

    let log = stamps.log;
    if (log?.notFile) {
      warn(`${id}/train.log is not a regular file; indexed without metrics (move it aside to fix)`);
      log = null;
    }
    if (log === null) {
      const empty: LogPass = {
        records: [],
        facts: new MlxLogParser().facts,
        summary: emptySummaryState(),
        persisted: null,
        offset: 0,
        logStamp: null,
        committed: { metric: 0, checkpoint: 0 },
      };
      writer.add(toWrite(empty, true, null));
      return stored ? 'changed' : 'added';
    }

    // A log that only grew is read from where the last pass stopped; anything else is re-read.
    const grown = logReadFrom(stored, log) === 'resume';
    // With metrics.jsonl the train/val records are the callback's exact values (the console's are
    // dropped); it is read incrementally too, unless it shrank or the source changed since last time.
    const jsonl =
      stamps.metricsJsonl !== null && stamps.metricsJsonl.notFile !== true
        ? { file: paths.metricsJsonl, stamp: stamps.metricsJsonl }
        : null;
    const parseState = grown ? readPersistedParse(env.index.parseStateOf(id), stored!.log_offset) : null;
    let resume = grown && parseState !== null ? { stored: stored!, parseState } : undefined;
    const saved = resume?.parseState.jsonl;
    if (
      resume !== undefined &&
      (jsonl === null ? saved !== undefined : saved === undefined || jsonl.stamp.size < saved.offset)
    )
      resume = undefined;
    // Callback reports arriving after a console test result was indexed would get seqs after it,
    // which a rebuild would not: re-read the run so the rows stay those of a fresh index.
    if (resume?.parseState.consoleTest === true && jsonl !== null && jsonl.stamp.size > (saved?.offset ?? 0))
      resume = undefined;
    await readLogInPieces(paths.log, log, resume, writer, toWrite, jsonl);
    return stored ? 'changed' : 'added';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'gone'; // deleted or renamed while we read it
    env.warn(`${id}: could not be indexed (${(err as Error).message}); its files were left as they are`);
    return 'unchanged';
  }
}
