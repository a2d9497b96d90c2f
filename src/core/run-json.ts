// The JSON shape of a run in `runs list --json` and `runs show --json` (PRODUCT.md field names).
import { divergence, type Divergence } from './failure.js';
import type { CheckpointRow, MetricRow, ParamRow, RunRow } from './rows.js';

/**
 * The runs columns a summary carries, in output order. Their types come from RunRow (tags parsed
 * to an array), so a column renamed or retyped there changes this shape or fails the typecheck.
 */
const SUMMARY_COLUMNS = [
  'id',
  'uid',
  'status',
  'model',
  'data_dir',
  'started_at',
  'finished_at',
  'duration_s',
  'iters',
  'last_iter',
  'best_val_loss',
  'best_val_iter',
  'final_val_loss',
  'final_train_loss',
  'test_loss',
  'test_ppl',
  'checkpoints',
  'tokens_per_sec',
  'peak_mem_gb',
  'trained_tokens',
  'fine_tune_type',
  'lora_rank',
  'learning_rate',
  'batch_size',
  'exit_code',
  'signal',
  'tags',
  'note',
  'log_format',
  'path',
] as const satisfies readonly (keyof RunRow)[];

type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];
export type RunSummaryJson = { [K in SummaryColumn]: K extends 'tags' ? string[] : RunRow[K] };

export function parseTags(text: string | null): string[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** A `tags` column value as an array when it holds one (JSON text of strings); anything else as is. */
export function tagsValue(v: unknown): unknown {
  if (typeof v !== 'string' || !v.startsWith('[')) return v;
  const tags = parseTags(v);
  return tags.length > 0 || v.trim() === '[]' ? tags : v;
}

/**
 * A config value with its type back. The index keeps params as SQL values (`params` view over
 * runs.config_json): booleans as 'true'/'false', lists and objects as JSON text. JSON output gives
 * `true` and `["q_proj","v_proj"]` again, as the config file said.
 */
export function typedParam(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

export function typedParams<P extends { value: unknown }>(rows: readonly P[]): P[] {
  return rows.map((p) => ({ ...p, value: typedParam(p.value) }));
}

export function toRunSummaryJson(r: RunRow): RunSummaryJson {
  const out: Record<string, unknown> = {};
  for (const k of SUMMARY_COLUMNS) out[k] = k === 'tags' ? parseTags(r.tags) : r[k];
  return out as RunSummaryJson;
}

export interface CheckpointFile {
  iter: number;
  file: string | null;
  /** Val loss reported at the checkpoint's iteration (same segment), if any. */
  val_loss: number | null;
  segment: number;
  best: boolean;
}

export interface RunDetails {
  run: RunRow;
  json: RunSummaryJson &
    RunProvenanceJson &
    Divergence & {
      /** Why it stopped: the last error line of its log (a traceback's exception line); null when none. */
      failure_reason: string | null;
      params: Record<string, unknown>;
      checkpoint_files: { iter: number; file: string | null; val_loss: number | null }[];
    };
  params: [string, unknown][];
  checkpoints: CheckpointFile[];
  metrics: MetricRow[];
}

/** Where and how a run was made, and what went wrong while recording or indexing it. */
export interface RunProvenanceJson {
  /** The trainer's argv as run. */
  command: string[] | null;
  cwd: string | null;
  host: string | null;
  git_sha: string | null;
  git_dirty: boolean | null;
  seed: number | null;
  /** The run this one was re-run or resumed from (run.json `parent`), and the steps it resumed at. */
  parent: string | null;
  iter_offset: number | null;
  warnings: string[];
}

function jsonStrings(text: string | null): string[] | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.map(String) : null;
  } catch {
    return null;
  }
}

export function provenanceJson(r: RunRow): RunProvenanceJson {
  return {
    command: jsonStrings(r.command),
    cwd: r.cwd,
    host: r.host,
    git_sha: r.git_sha,
    git_dirty: r.git_dirty,
    seed: r.seed,
    parent: r.parent,
    iter_offset: r.iter_offset,
    warnings: jsonStrings(r.warnings) ?? [],
  };
}

/**
 * `runs show --json` and the web view's run page: one run with its params and checkpoints.
 * `failureReason`: read from the log by the caller (I/O), null when it has none to say.
 */
export function runDetails(
  run: RunRow,
  metrics: MetricRow[],
  paramRows: ParamRow[],
  checkpointRows: CheckpointRow[],
  failureReason: string | null = null,
): RunDetails {
  const params = paramRows.map((p) => [p.key, typedParam(p.value)] as [string, unknown]);
  const checkpoints = checkpointsWithValLoss(checkpointRows, metrics);
  return {
    run,
    json: {
      ...toRunSummaryJson(run),
      ...provenanceJson(run),
      ...divergence(metrics),
      failure_reason: failureReason,
      params: Object.fromEntries(params),
      checkpoint_files: checkpoints.map(({ iter, file, val_loss }) => ({ iter, file, val_loss })),
    },
    params,
    checkpoints,
    metrics,
  };
}

/** Pairs each checkpoint with the val loss of its iteration and marks the best one (lowest). */
export function checkpointsWithValLoss(
  rows: { iter: number; file: string | null; segment: number }[],
  metrics: readonly MetricRow[],
): CheckpointFile[] {
  const valAt = new Map<string, number | null>();
  for (const m of metrics) if (m.split === 'val' && m.iter !== null) valAt.set(`${m.segment}:${m.iter}`, m.loss);
  const out = rows.map((c) => ({
    iter: c.iter,
    file: c.file,
    segment: c.segment,
    val_loss: valAt.get(`${c.segment}:${c.iter}`) ?? null,
    best: false,
  }));
  let best: CheckpointFile | undefined;
  for (const c of out) if (c.val_loss !== null && (best === undefined || c.val_loss < best.val_loss!)) best = c;
  if (best) best.best = true;
  return out;
}
