// Bringing the index up to date with the run folders. The one writer path: `runs index`, the
// freshness check of read commands, and live indexing in `runs train` all come through here.
//
// Cost model: an unchanged run costs a few stats; a grown train.log is read from where the last
// pass stopped (parser state saved in the index); rows go in through prepared multi-row INSERTs,
// one transaction per batch, on a writer thread when a pass reads many runs (db/index-writer.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from './context.js';
import { RunsError } from '../core/errors.js';
import type { RunManifest, RunStatus } from '../core/manifest.js';
import type { LogFacts, LogRecord, OutcomeHint } from '../core/records.js';
import { jsonNestsDeeper, MAX_JSON_DEPTH } from '../core/json-depth.js';
import { parseRunId } from '../core/run-id.js';
import { emptySummaryState, foldSummary } from '../core/summarize.js';
import type { SummaryState } from '../core/summary.js';
import { initialParserState, MlxLogParser, PARSER_STATE_VERSION, type ParserState } from '../parse/mlx-log-parser.js';
import { initialJsonlState, parseMetricsJsonl, type JsonlState } from '../parse/metrics-jsonl.js';
import {
  BATCH_RECORDS,
  toRunRow,
  type IndexWriter,
  type RunWrite,
  type RunsIndex,
  type StoredState,
} from '../db/index.js';
import { LATEST_LINK, runPaths, type RunPaths } from '../storage/layout.js';
import { readManifestFile, updateManifestFile } from '../storage/manifest-file.js';
import {
  isRunFolder,
  listRunFolderNames,
  resolvesOutsideRoot,
  stampRunFolder,
  type FileStamp,
} from '../storage/scan.js';
import { isRecorderAlive } from '../storage/liveness.js';
import { processStartedAt } from '../trainer/spawn.js';

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

/**
 * fresh: folders added or removed, and runs still `running` (what read commands do first);
 * full: also every run's files checked (`runs index`); rebuild: from an empty index.
 */
export type SyncMode = 'fresh' | 'full' | 'rebuild';

const READ_CHUNK = 1 << 20;
/** From this many runs to read, a pass writes on a worker thread (starting one costs ~50 ms). */
const BULK_RUNS = 200;

/** One read buffer for every log of a pass (the parser copies what it keeps). */
let sharedReadBuffer: Buffer | undefined;
function readBuffer(): Buffer {
  sharedReadBuffer ??= Buffer.allocUnsafe(READ_CHUNK);
  return sharedReadBuffer;
}

interface PersistedParse {
  parser: ParserState;
  summary: SummaryState;
  /** Where metrics.jsonl was read to; absent when the run's train/val records come from the console. */
  jsonl?: JsonlState;
  /** A console test result is already in the index (committed) after the callback records. */
  consoleTest?: boolean;
}

/** Brings the index up to date with the folders. */
export async function syncAll(ctx: Context, mode: SyncMode): Promise<SyncReport> {
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

  const removed = sameListing ? [] : [...(known ?? stored!).keys()].filter((id) => !onDisk.has(id));
  const candidates = sameListing
    ? [...known!.keys()].filter((id) => onDisk.has(id))
    : known
      ? names.filter((id) => !known.has(id) || known.get(id) === 'running')
      : names;
  report.unchanged = names.length - candidates.length;

  // Only `runs index` writes a run's files (marking a dead recorder's run crashed); read commands
  // keep what they derive in the index (PRODUCT.md "On disk").
  const env: SyncEnv = { index, root, host: os.hostname(), nowMs: Date.now(), warn, mayWriteRuns: mode !== 'fresh' };
  if (candidates.length > 0) await loadYaml();
  // Many runs to read: insert on the writer thread while this one parses the next logs.
  const writer = index.openWriter({ bulk: candidates.length >= BULK_RUNS });
  // A folder that is not (yet) a run, e.g. one `runs train` or a copy is still filling.
  let sawNonRun = false;
  try {
    for (const id of candidates) {
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
export async function syncOneRun(ctx: Context, id: string): Promise<void> {
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
  await loadYaml();
  for (let attempt = 0; attempt < 3; attempt++) {
    const writer = index.openWriter({ bulk: false });
    await indexRun(env, id, index.storedState(id), writer);
    await writer.close();
    if (writer.conflicts.size === 0) return;
  }
}

/**
 * An index belongs to one runs root (recorded in it). Another root is refused with what to do,
 * because mixing two roots' runs in one index shows one root's runs as the other's and `runs
 * index` would then drop them. A root that moved or was copied is the same root: the index
 * follows it (every `path` is repointed) when it lives inside the root, which moves with it, or
 * when the recorded root is gone.
 */
function claimRoot(ctx: Context, index: RunsIndex, root: string, dbPath: string): void {
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
/** Bump when the parser (or metrics.jsonl reading) gets more out of the same files. */
const PARSER_VERSION = '2';

/** Root path + a hash of the sorted folder names: equal means no folder was added or removed. */
function listingFingerprint(root: string, names: readonly string[]): string {
  return `${root}\n${createHash('sha1').update(names.join('\n')).digest('hex')}`;
}

/** The YAML parser, loaded only by a pass that has runs to read (a no-op pass never needs it). */
let yaml: typeof import('yaml') | undefined;
async function loadYaml(): Promise<void> {
  if (yaml) return;
  // `yaml` is CommonJS: Node's loader (the source under tsx) gives its named exports, while the
  // bundle's chunk for it exposes only `default` (module.exports). Take whichever holds parse().
  const mod = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  yaml = typeof mod.parse === 'function' ? mod : mod.default;
  if (typeof yaml?.parse !== 'function') throw new Error('the bundled YAML parser has no parse(); please report it');
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

/**
 * The stamps with every file that resolves outside the root taken out, as if missing: a symlinked
 * train.log or adapter_config.json must never be opened (issue 10, item 11). Said with `warn`.
 */
function insideRootOnly(env: SyncEnv, id: string, paths: RunPaths, stamps: Stamps, warn?: (w: string) => void): Stamps {
  env.rootReal ??= fs.realpathSync.native(env.root);
  const out = { ...stamps };
  const files: [keyof Stamps, string][] = [
    ['manifest', paths.manifest],
    ['log', paths.log],
    ['adapterConfig', paths.adapterConfig],
    ['config', paths.config],
    ['metricsJsonl', paths.metricsJsonl],
  ];
  for (const [key, file] of files) {
    if (out[key] === null) continue;
    const real = resolvesOutsideRoot(env.rootReal, paths.dir, file);
    if (real === null) continue;
    out[key] = null;
    warn?.(
      `${id}/${file.slice(paths.dir.length + 1)} resolves outside the runs root (to ${real}); skipped, never read (put the file itself in the run folder)`,
    );
  }
  return out;
}

function stampKey(s: FileStamp | null): string | null {
  return s ? `${s.size}:${s.mtimeMs}` : null;
}

type RunOutcome = 'unchanged' | 'added' | 'changed' | 'gone';

/** What one pass over a log produced, ready to become a RunWrite. */
interface LogPass {
  records: LogRecord[];
  facts: LogFacts;
  /** Summary including the records of an unfinished last line (what users see now). */
  summary: SummaryState;
  /** Parser + summary state through the last complete line (where the next pass resumes). */
  persisted: PersistedParse | null;
  offset: number;
  logStamp: FileStamp | null;
  committed: { metric: number; checkpoint: number };
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

  const sameFiles =
    stored !== undefined &&
    stored.manifest_stamp === stampKey(stamps.manifest) &&
    stored.adapter_config_stamp === stampKey(stamps.adapterConfig) &&
    stored.config_stamp === stampKey(stamps.config) &&
    stored.metrics_jsonl_stamp === stampKey(stamps.metricsJsonl) &&
    stored.log_size === (stamps.log?.size ?? null) &&
    stored.log_mtime_ms === (stamps.log?.mtimeMs ?? null);
  // A run shown `crashed` only in the index (a read command saw its recorder gone) is looked at
  // again by `runs index`, which writes that into run.json.
  if (sameFiles && stored.status !== 'running' && !(env.mayWriteRuns && stored.status === 'crashed'))
    return 'unchanged';

  try {
    const warnings: string[] = [];
    const warn = (w: string) => {
      warnings.push(w);
      env.warn(w);
    };
    stamps = insideRootOnly(env, id, paths, stamps, warn);
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
        stamps = insideRootOnly(env, id, paths, stampRunFolder(env.root, id));
      } else if (sameFiles && stored.status === 'crashed') {
        return 'unchanged';
      }
    } else if (sameFiles) {
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
    const now = insideRootOnly(env, id, paths, stampRunFolder(env.root, id));
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
    const grown =
      stored !== undefined &&
      stored.log_size !== null &&
      (log.size > stored.log_size || (log.size === stored.log_size && log.mtimeMs === stored.log_mtime_ms));
    // With metrics.jsonl the train/val records are the callback's exact values (the console's are
    // dropped); it is read incrementally too, unless it shrank or the source changed since last time.
    const jsonl =
      stamps.metricsJsonl !== null && stamps.metricsJsonl.notFile !== true
        ? { file: paths.metricsJsonl, stamp: stamps.metricsJsonl }
        : null;
    const parseState = grown ? readPersistedParse(env.index.parseStateOf(id), stored.log_offset) : null;
    let resume = grown && parseState !== null ? { stored, parseState } : undefined;
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

/**
 * Streams train.log: 1 MB reads, never the whole file. Every BATCH_RECORDS records become one
 * write (so a 1 GB log neither fills memory nor makes one giant transaction); the last write also
 * carries the records of an unfinished last line, which the next pass re-derives.
 */
async function readLogInPieces(
  file: string,
  stamp: FileStamp,
  resume: { stored: StoredState; parseState: PersistedParse } | undefined,
  writer: IndexWriter,
  toWrite: (pass: LogPass, reset: boolean, expectedOffset: number | null) => RunWrite,
  jsonl: { file: string; stamp: FileStamp } | null,
): Promise<void> {
  const startOffset = resume?.stored.log_offset ?? 0;
  const parser = new MlxLogParser(resume?.parseState.parser);
  let summary = resume?.parseState.summary ?? emptySummaryState();
  let committed = resume
    ? { metric: resume.stored.committed_seq, checkpoint: resume.stored.committed_checkpoint_seq }
    : { metric: 0, checkpoint: 0 };
  // Optimistic concurrency: this pass assumes the stored offset it started from.
  let expected: number | null = resume ? startOffset : null;
  let reset = !resume;
  let pending: LogRecord[] = [];
  let jsonlState: JsonlState | undefined;
  if (jsonl !== null) {
    const read = readJsonl(jsonl.file, jsonl.stamp, resume?.parseState.jsonl ?? initialJsonlState());
    jsonlState = read.state;
    pending = read.records;
  }
  // The console's own train/val lines give way to the callback's (test results, checkpoints and
  // header facts still come from the console: no callback sees them).
  const keep = (r: LogRecord) => jsonlState === undefined || r.kind === 'checkpoint' || r.split === 'test';
  let consoleTest = resume?.parseState.consoleTest === true;
  const sawTest = (records: readonly LogRecord[]) => {
    if (jsonlState !== undefined && !consoleTest)
      consoleTest = records.some((r) => r.kind === 'metric' && r.split === 'test');
  };
  // The parser counts bytes from the start of the file, across resumes.
  const parsedThrough = () => parser.consumedBytes;

  const emitPiece = () => {
    sawTest(pending);
    summary = foldSummary(summary, pending);
    committed = advance(committed, pending);
    const offset = parsedThrough();
    // log_size = what was parsed: if we stop here, the next pass resumes from this piece.
    writer.add(
      toWrite(
        {
          records: pending,
          facts: parser.facts,
          summary,
          persisted: { parser: parser.snapshot(), summary, jsonl: jsonlState, consoleTest },
          offset,
          logStamp: { size: offset, mtimeMs: -1 },
          committed,
        },
        reset,
        expected,
      ),
    );
    expected = offset;
    reset = false;
    pending = [];
  };

  const fd = fs.openSync(file, 'r');
  try {
    const buf = readBuffer();
    // Read up to the size seen at stat time; a log still growing is picked up by the next pass.
    for (let pos = startOffset; pos < stamp.size;) {
      const n = fs.readSync(fd, buf, 0, Math.min(READ_CHUNK, stamp.size - pos), pos);
      if (n === 0) break;
      pos += n;
      for (const r of parser.push(buf.subarray(0, n))) if (keep(r)) pending.push(r);
      if (pending.length >= BATCH_RECORDS) {
        emitPiece();
        await writer.throttle(); // a 1 GB log must not queue up in memory ahead of the writer
      }
    }
  } finally {
    fs.closeSync(fd);
  }

  sawTest(pending);
  summary = foldSummary(summary, pending);
  committed = advance(committed, pending);
  const resumeState = { parser: parser.snapshot(), summary, jsonl: jsonlState, consoleTest };
  const offset = parsedThrough();
  const tail = parser.flush().filter(keep);
  writer.add(
    toWrite(
      {
        records: tail.length ? [...pending, ...tail] : pending,
        facts: parser.facts,
        summary: tail.length ? foldSummary(summary, tail) : summary,
        persisted: resumeState,
        offset,
        logStamp: stamp,
        committed,
      },
      reset,
      expected,
    ),
  );
}

/**
 * The saved parser + summary state, or null when it cannot be resumed from: not JSON, made by
 * another version of runs (a different shape), or not where the stored offset says. Null means
 * "re-read this log from byte 0" — never a stranded run that a later pass cannot move on.
 */
function readPersistedParse(text: string | null, logOffset: number): PersistedParse | null {
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(v) || !sameShape(initialParserState(), v.parser) || !sameShape(emptySummaryState(), v.summary))
    return null;
  if (v.jsonl !== undefined && !sameShape(initialJsonlState(), v.jsonl)) return null;
  const persisted = v as unknown as PersistedParse;
  return persisted.parser.version === PARSER_STATE_VERSION && persisted.parser.consumedBytes === logOffset
    ? persisted
    : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Has `value` every key of `template`, each of the same type (a null in the template allows any
 * value: those fields are "number or null", "object or null")? Nested objects are compared too.
 */
function sameShape(template: object, value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const [key, t] of Object.entries(template)) {
    if (!(key in value)) return false;
    const x = value[key];
    if (t === null) continue;
    if (isRecord(t)) {
      if (!sameShape(t, x)) return false;
    } else if (typeof x !== typeof t) return false;
  }
  return true;
}

/**
 * metrics.jsonl from where the last pass stopped to its last complete line (a line the trainer was
 * killed in the middle of waits, and is never an error). Missing now (deleted meanwhile): nothing.
 */
function readJsonl(file: string, stamp: FileStamp, state: JsonlState): { records: LogRecord[]; state: JsonlState } {
  const length = stamp.size - state.offset;
  if (length <= 0) return { records: [], state };
  let bytes: Buffer;
  const fd = fs.openSync(file, 'r');
  try {
    bytes = Buffer.allocUnsafe(length);
    const n = fs.readSync(fd, bytes, 0, length, state.offset);
    bytes = bytes.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
  const end = bytes.lastIndexOf(10) + 1;
  if (end === 0) return { records: [], state };
  return parseMetricsJsonl(bytes.toString('utf8', 0, end), end, state);
}

function advance(c: { metric: number; checkpoint: number }, records: readonly LogRecord[]) {
  let { metric, checkpoint } = c;
  for (const r of records) {
    if (r.kind === 'metric') metric++;
    else checkpoint++;
  }
  return { metric, checkpoint };
}

type Stamps = ReturnType<typeof stampRunFolder>;

function readManifest(
  paths: RunPaths,
  id: string,
  stamps: Stamps,
  warn: (w: string) => void,
): { manifest: RunManifest | null; fallbackStartedAt: string | null } {
  const read = readManifestFile(paths.manifest);
  let manifest: RunManifest | null = null;
  if (read.kind === 'ok') manifest = read.manifest;
  else if (read.kind === 'invalid') {
    warn(
      `${id}/run.json ${read.reason}: indexed from train.log only (fix the file or move it aside; runs will not rewrite it)`,
    );
  }
  const fromName = parseRunId(id)?.startedAt.toISOString() ?? null;
  const fallbackStartedAt = fromName ?? (stamps.log ? new Date(stamps.log.mtimeMs).toISOString() : null);
  return { manifest, fallbackStartedAt };
}

/** stillWriting: a file that does not parse is "not written yet": null, and nothing said. */
function readConfigFiles(
  paths: RunPaths,
  id: string,
  stamps: Stamps,
  warn: (w: string) => void,
  stillWriting: boolean,
) {
  const adapterConfig = stamps.adapterConfig
    ? readJsonObject(paths.adapterConfig, `${id}/adapters/adapter_config.json`, warn, stillWriting)
    : null;
  const config = stamps.config ? readYamlObject(paths.config, `${id}/config.yaml`, warn, stillWriting) : null;
  return { adapterConfig, config };
}

function readJsonObject(
  file: string,
  label: string,
  warn: (w: string) => void,
  stillWriting: boolean,
): Record<string, unknown> | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      warn(`${label} is not a regular file; ignored (move it aside, or replace it with the trainer's file)`);
      return null;
    }
    if (st.size > 4 * 1024 * 1024) {
      warn(`${label} is too large (${st.size} bytes); ignored (move it aside if it is not the trainer's file)`);
      return null;
    }
    const text = fs.readFileSync(file, 'utf8');
    // A hostile nesting depth would overflow the stack later (params flattening): refuse it here.
    if (jsonNestsDeeper(text)) {
      warn(
        `${label} nests deeper than ${MAX_JSON_DEPTH} levels; ignored, the run is indexed without it (fix the file or move it aside)`,
      );
      return null;
    }
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    warn(`${label} is not a JSON object; ignored (fix the file or move it aside)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (stillWriting && err instanceof SyntaxError) return null;
    warn(
      `${label} could not be read (${(err as Error).message.split('\n')[0]}); ignored (fix the file or move it aside)`,
    );
  }
  return null;
}

function readYamlObject(
  file: string,
  label: string,
  warn: (w: string) => void,
  stillWriting: boolean,
): Record<string, unknown> | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 4 * 1024 * 1024) {
      warn(`${label} is not a readable config file; ignored (fix the file or move it aside)`);
      return null;
    }
    // uniqueKeys: false, as PyYAML (what the trainer uses) keeps the last of a repeated key.
    const v = yaml!.parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: false }) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    if (v !== null && v !== undefined) warn(`${label} is not a YAML mapping; ignored (fix the file or move it aside)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (stillWriting && err instanceof yaml!.YAMLError) return null;
    warn(
      `${label} could not be parsed (${(err as Error).message.split('\n')[0]}); ignored (fix the file or move it aside)`,
    );
  }
  return null;
}

/** A run whose recorder died: say so in run.json (the truth) and the index. */
function markCrashed(paths: RunPaths, id: string, warn: (w: string) => void): RunStatus {
  try {
    const next = updateManifestFile(paths.manifest, (m) =>
      m.status === 'running'
        ? {
            ...m,
            status: 'crashed',
            warnings: [...(m.warnings ?? []), 'the recorder (runs train) stopped without recording an outcome'],
          }
        : m,
    );
    return next.status ?? 'crashed';
  } catch (err) {
    warn(`${id}: recorder is gone but run.json could not be updated (${(err as Error).message}); shown as crashed`);
    return 'crashed';
  }
}

/** Status of a run without a recorded one (adopted folders, legacy run.json): what the log says. */
function statusFromHint(hint: OutcomeHint, recorded: RunStatus): RunStatus {
  if (recorded !== 'unknown') return recorded;
  switch (hint) {
    case 'completed':
      return 'completed';
    case 'interrupted':
      return 'interrupted';
    case 'crashed':
      return 'failed';
    default:
      return 'unknown';
  }
}
