// The pure planning step of an index pass: from the folder listing, the files' stamps and what the
// index has stored, decide what to add, what to re-read (and from where), and what to drop. No
// I/O here: sync.ts gathers the inputs and carries the plan out, tests/unit/indexer-plan.test.ts
// pins the decisions as a table.
import type { FileStamp, RunFolderStamps } from '../storage/scan.js';

/**
 * fresh: folders added or removed, and runs still `running` (what read commands do first);
 * full: also every run's files checked (`runs index`); rebuild: from an empty index.
 */
export type SyncMode = 'fresh' | 'full' | 'rebuild';

/** What the index remembers of one run's files (the stamps of the last pass that read them). */
export interface StoredStamps {
  manifest_stamp: string | null;
  adapter_config_stamp: string | null;
  config_stamp: string | null;
  metrics_jsonl_stamp: string | null;
  log_size: number | null;
  log_mtime_ms: number | null;
  status: string | null;
}

export interface PassInput {
  mode: SyncMode;
  /** The run folder names under the root, as listed now. */
  names: readonly string[];
  /** A fresh pass whose folder listing equals the one last seen complete in the index. */
  sameListing: boolean;
  /**
   * fresh: id → status of the indexed runs (every run; with sameListing only the `running` ones).
   * full / rebuild: id → stored state of every indexed run.
   */
  indexed: ReadonlyMap<string, { status: string | null } | string>;
}

export interface PassPlan {
  /** Folders to look at (stamp, and read when their files changed), in listing order. */
  look: string[];
  /** Indexed runs whose folder is gone. */
  drop: string[];
  /** Folders not even stamped: known, and not `running` (fresh passes only). */
  skipped: number;
}

/** Which folders a pass looks at, and which indexed runs it drops. */
export function planPass(input: PassInput): PassPlan {
  const { mode, names, sameListing, indexed } = input;
  const onDisk = new Set(names);
  const statusOf = (id: string) => {
    const v = indexed.get(id);
    return typeof v === 'string' ? v : (v?.status ?? null);
  };
  let look: string[];
  if (mode !== 'fresh') look = [...names];
  else if (sameListing) look = [...indexed.keys()].filter((id) => onDisk.has(id));
  else look = names.filter((id) => !indexed.has(id) || statusOf(id) === 'running');
  const drop = sameListing ? [] : [...indexed.keys()].filter((id) => !onDisk.has(id));
  return { look, drop, skipped: names.length - look.length };
}

export function stampKey(s: FileStamp | null): string | null {
  return s ? `${s.size}:${s.mtimeMs}` : null;
}

/** Every file of the run is as the index last saw it (same sizes and mtimes, same ones present). */
export function sameFiles(stored: StoredStamps | undefined, stamps: RunFolderStamps): stored is StoredStamps {
  return (
    stored !== undefined &&
    stored.manifest_stamp === stampKey(stamps.manifest) &&
    stored.adapter_config_stamp === stampKey(stamps.adapterConfig) &&
    stored.config_stamp === stampKey(stamps.config) &&
    stored.metrics_jsonl_stamp === stampKey(stamps.metricsJsonl) &&
    stored.log_size === (stamps.log?.size ?? null) &&
    stored.log_mtime_ms === (stamps.log?.mtimeMs ?? null)
  );
}

/**
 * Before opening anything: 'unchanged' when the files did not move and nothing else can have
 * changed; 'look' when the run must be read (new or changed files) or its recorder checked (a
 * `running` run; a run shown `crashed` only in the index, which `runs index` writes to run.json).
 */
export function firstLook(
  stored: StoredStamps | undefined,
  stamps: RunFolderStamps,
  mayWriteRuns: boolean,
): 'unchanged' | 'look' {
  if (!sameFiles(stored, stamps)) return 'look';
  if (stored.status === 'running' || (mayWriteRuns && stored.status === 'crashed')) return 'look';
  return 'unchanged';
}

/**
 * Where a changed log is read from: 'resume' at the stored offset when it only grew (or is the same
 * size and mtime), else 'start' (new, shrunk or rewritten: re-read from byte 0).
 */
export function logReadFrom(
  stored: Pick<StoredStamps, 'log_size' | 'log_mtime_ms'> | undefined,
  log: FileStamp,
): 'resume' | 'start' {
  if (stored === undefined || stored.log_size === null) return 'start';
  const grown = log.size > stored.log_size || (log.size === stored.log_size && log.mtimeMs === stored.log_mtime_ms);
  return grown ? 'resume' : 'start';
}
