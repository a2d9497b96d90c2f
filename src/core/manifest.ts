// run.json: the one schema for a run's metadata file (the trust boundary between folders and code).
// Keeps the keys earlier Python tooling wrote (same meaning), adds ours; unknown keys survive a rewrite.
// zod/mini (same zod 4, functional API): ~30 KB instead of ~750 KB in the bundle, which every
// command would otherwise pay for at start-up (see README "Performance").
import * as z from 'zod/mini';
import { jsonNestsDeeper, MAX_JSON_DEPTH } from './json-depth.js';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted', 'crashed', 'unknown'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const MANIFEST_SCHEMA_VERSION = 1;

const num = z.optional(z.nullable(z.number()));
const str = z.optional(z.nullable(z.string()));
const int = z.optional(z.nullable(z.int()));

export const RunManifest = z.looseObject({
  // Keys of the earlier Python tooling.
  /** ISO 8601, UTC. */
  started_at: str,
  git_sha: str,
  data_dir: str,
  model: str,
  lora_rank: num,
  lora_alpha: num,
  iters: num,
  batch_size: num,
  learning_rate: num,
  // Ours (all optional so old folders still parse).
  schema_version: z.optional(z.int()),
  id: str,
  /** Random UUID: ids are unique only within one root; runs from many machines meet in one team DB. */
  uid: str,
  status: z.optional(RunStatus),
  finished_at: str,
  exit_code: int,
  /** Signal name that ended the trainer, e.g. "SIGINT". */
  signal: str,
  /** The trainer argv, as run. */
  command: z.optional(z.nullable(z.array(z.string()))),
  host: str,
  /** Pid of the recorder (`runs train`), used to tell `running` from `crashed`. */
  pid: int,
  git_dirty: z.optional(z.nullable(z.boolean())),
  tags: z.optional(z.array(z.string())),
  note: str,
  cwd: str,
  trainer: str,
  /** mlx-lm, mlx-lm-lora, mlx-vlm or script: how the trainer was called (trainer/command.ts). */
  trainer_family: str,
  /** The installed version of the trainer's package, when it could be read. */
  trainer_version: str,
  /** callback: train/val metrics from metrics.jsonl (exact); console: from train.log. */
  metrics_source: str,
  fine_tune_type: str,
  num_layers: num,
  lora_dropout: num,
  seed: num,
  max_seq_length: num,
  /** Run id of the run this one resumed from, when known. */
  resumed_from: str,
  /** Run id this run was re-run (`runs train --from`) or resumed (`runs resume`) from. */
  parent: str,
  /** Resumed runs: training steps already in the weights it started from (the parent's checkpoint iteration). */
  iter_offset: num,
  /** The user's own trainer arguments (what `runs train --from` repeats). */
  trainer_args: z.optional(z.nullable(z.array(z.string()))),
  /** Set by `runs test`: the test result of the run's final adapters, and when it was measured. */
  test_loss: num,
  test_ppl: num,
  tested_at: str,
  /** Problems the recorder hit (e.g. disk full) so nobody mistakes a partial log for a whole one. */
  warnings: z.optional(z.array(z.string())),
});
export type RunManifest = z.infer<typeof RunManifest>;

export type ManifestResult = { ok: true; manifest: RunManifest } | { ok: false; reason: string };

/** Parses run.json text. Never throws: a corrupt file is a normal input. */
export function parseManifest(text: string): ManifestResult {
  if (jsonNestsDeeper(text)) return { ok: false, reason: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `is not valid JSON (${(err as Error).message})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: 'is not a JSON object' };
  }
  const parsed = RunManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return { ok: false, reason: `has a bad value at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const manifest = parsed.data;
  // zod copies unknown keys by assignment, and assigning `__proto__` sets the prototype instead
  // of a key: the key would vanish from the next rewrite. Keep it as the plain key it was.
  if (Object.hasOwn(raw, '__proto__')) {
    Object.defineProperty(manifest, '__proto__', {
      value: (raw as Record<string, unknown>)['__proto__'],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ok: true, manifest };
}

export function serializeManifest(manifest: RunManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
