// The one place a run folder's facts meet the index: run.json + adapter_config.json + config.yaml +
// what the log said  ->  a `runs` row and its `params`. A new field reaches SQL through the schema,
// this mapper and one generated migration.
import { toNumber, toText } from '../core/coerce.js';
import { CONFIG_COLUMNS } from '../core/run-config.js';
import type { RunManifest, RunStatus } from '../core/manifest.js';
import type { LogFacts } from '../core/records.js';
import type { RunSummary } from '../core/summary.js';
import type { RunInsert } from './schema.js';

export interface RunFacts {
  id: string;
  path: string;
  status: RunStatus;
  /** run.json when it parsed; null for an adopted folder or a corrupt run.json. */
  manifest: RunManifest | null;
  /** adapters/adapter_config.json: every effective trainer argument (mlx_lm 0.6+). */
  adapterConfig: Record<string, unknown> | null;
  /** config.yaml as parsed. */
  config: Record<string, unknown> | null;
  facts: LogFacts;
  summary: RunSummary;
  /** ISO start time when run.json has none (adopted folders: from the folder name or mtime). */
  fallbackStartedAt: string | null;
  warnings: string[];
  indexedAt: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Numbers as numbers: YAML and hand-written JSON give "1e-5" as often as 1e-5. */
const num = toNumber;
const str = toText;

function int(v: unknown): number | null {
  const n = num(v);
  return n === null ? null : Math.trunc(n);
}

function first<T>(...values: (T | null | undefined)[]): T | null {
  for (const v of values) if (v !== null && v !== undefined) return v;
  return null;
}

/** The effective trainer settings: adapter_config.json (what the trainer really used) over config.yaml. */
function effectiveConfig(f: Pick<RunFacts, 'adapterConfig' | 'config'>): Obj {
  return { ...(f.config ?? {}), ...(f.adapterConfig ?? {}) };
}

function loraParams(cfg: Obj): Obj {
  return isObj(cfg.lora_parameters) ? cfg.lora_parameters : {};
}

function durationSeconds(startedAt: string | null, finishedAt: string | null): number | null {
  if (!startedAt || !finishedAt) return null;
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

export function toRunRow(f: RunFacts): RunInsert {
  const m: RunManifest = f.manifest ?? {};
  const cfg = effectiveConfig(f);
  const lora = loraParams(cfg);
  const startedAt = first(str(m.started_at), f.fallbackStartedAt);
  const finishedAt = str(m.finished_at);
  const s = f.summary;
  const learningRate = first(
    num(m.learning_rate),
    num(cfg.learning_rate),
    // With an lr_schedule the first argument is the peak LR (mlx_lm ignores learning_rate then).
    isObj(cfg.lr_schedule) && Array.isArray(cfg.lr_schedule.arguments) ? num(cfg.lr_schedule.arguments[0]) : null,
  );
  return {
    id: f.id,
    uid: str(m.uid),
    host: str(m.host),
    path: f.path,
    status: f.status,
    started_at: startedAt,
    finished_at: finishedAt,
    duration_s: durationSeconds(startedAt, finishedAt),
    exit_code: int(m.exit_code),
    signal: str(m.signal),
    pid: int(m.pid),
    model: first(str(m.model), str(cfg.model)),
    data_dir: first(str(m.data_dir), str(cfg.data)),
    fine_tune_type: first(
      str(m.fine_tune_type),
      str(cfg.fine_tune_type),
      cfg.use_dora === true ? 'dora' : null,
      f.adapterConfig ? 'lora' : null,
    ),
    num_layers: first(int(m.num_layers), int(cfg.num_layers), int(cfg.lora_layers)),
    lora_rank: first(int(m.lora_rank), int(lora.rank)),
    // Older Python tooling wrote lora_alpha; mlx_lm configs have `alpha` (before 2024-06) or `scale`.
    lora_alpha: first(num(m.lora_alpha), num(lora.alpha), num(lora.scale)),
    lora_dropout: first(num(m.lora_dropout), num(lora.dropout)),
    iters: first(int(m.iters), int(cfg.iters), f.facts.start_iters),
    batch_size: first(int(m.batch_size), int(cfg.batch_size)),
    learning_rate: learningRate,
    seed: first(int(m.seed), int(cfg.seed)),
    max_seq_length: first(int(m.max_seq_length), int(cfg.max_seq_length)),
    git_sha: str(m.git_sha),
    git_dirty: typeof m.git_dirty === 'boolean' ? m.git_dirty : null,
    tags: JSON.stringify(Array.isArray(m.tags) ? m.tags : []),
    note: str(m.note),
    command: Array.isArray(m.command) ? JSON.stringify(m.command) : null,
    config_json: JSON.stringify(Object.fromEntries(toParams(f))),
    trainer: str(m.trainer),
    cwd: str(m.cwd),
    last_iter: s.last_iter,
    best_val_loss: s.best_val_loss,
    best_val_iter: s.best_val_iter,
    final_val_loss: s.final_val_loss,
    final_train_loss: s.final_train_loss,
    // `runs test` stores its result in run.json: a later measurement than any test in train.log.
    test_loss: typeof m.tested_at === 'string' ? num(m.test_loss) : s.test_loss,
    test_ppl: typeof m.tested_at === 'string' ? num(m.test_ppl) : s.test_ppl,
    checkpoints: s.checkpoints,
    peak_mem_gb: s.peak_mem_gb,
    tokens_per_sec: s.tokens_per_sec,
    trained_tokens: s.trained_tokens,
    train_reports: s.train_reports,
    val_reports: s.val_reports,
    log_format: f.facts.log_format,
    outcome_hint: f.facts.outcome_hint,
    trainable_params_m: f.facts.trainable_params_m,
    total_params_m: f.facts.total_params_m,
    resumed_from: first(str(m.resumed_from), f.facts.resumed_from, str(cfg.resume_adapter_file)),
    parent: str(m.parent),
    iter_offset: int(m.iter_offset),
    warnings: warningsJson([...(m.warnings ?? []), ...f.warnings]),
    source: f.manifest ? 'run.json' : 'log',
    indexed_at: f.indexedAt,
  };
}

/** Problems recorded in run.json and met while indexing, as a JSON array; null when none. */
function warningsJson(warnings: string[]): string | null {
  return warnings.length > 0 ? JSON.stringify(warnings) : null;
}

/** The `params` view's rows: the effective config flattened to dotted keys (lora_parameters.rank). */
export function toParams(
  f: Pick<RunFacts, 'manifest' | 'adapterConfig' | 'config'>,
): [string, string | number | null][] {
  const cfg = effectiveConfig(f);
  const source: Obj = Object.keys(cfg).length > 0 ? cfg : pickManifestConfig(f.manifest);
  const out: [string, string | number | null][] = [];
  flatten(source, '', out);
  return out;
}

function pickManifestConfig(m: RunManifest | null): Obj {
  const out: Obj = {};
  if (!m) return out;
  // The training settings run.json records (params fallback when no config file exists).
  for (const k of CONFIG_COLUMNS) if (m[k] !== undefined && m[k] !== null) out[k] = m[k];
  return out;
}

function flatten(value: Obj, prefix: string, out: [string, string | number | null][]): void {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && Object.keys(v).length > 0) flatten(v, key, out);
    else if (v === null || v === undefined) out.push([key, null]);
    else if (typeof v === 'number') out.push([key, Number.isFinite(v) ? v : String(v)]);
    else if (typeof v === 'string') out.push([key, v]);
    else if (typeof v === 'boolean') out.push([key, v ? 'true' : 'false']);
    else out.push([key, JSON.stringify(v)]);
  }
}
