// A run's config as one key → value map (the `runs` config columns, then the flattened params):
// what `diff` and `compare` put side by side.
import type { RunRow } from './rows.js';

export const CONFIG_COLUMNS = [
  'model',
  'data_dir',
  'fine_tune_type',
  'num_layers',
  'lora_rank',
  'lora_alpha',
  'lora_dropout',
  'iters',
  'batch_size',
  'learning_rate',
  'seed',
  'max_seq_length',
] as const;
/** One of the twelve training settings that are `runs` columns (and run.json keys). */
export type ConfigColumn = (typeof CONFIG_COLUMNS)[number];

/**
 * Trainer arguments that name the run's own files (adapter_config.json records them): they differ
 * for every pair of runs and say nothing about the experiment.
 */
const PER_RUN_KEYS = new Set(['adapter_path', 'config']);

/** The map from a run and its params (as any reader returns them: local index or team database). */
export function configMapOf(r: RunRow, params: readonly { key: string; value: unknown }[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const c of CONFIG_COLUMNS) m.set(c, r[c]);
  for (const p of params) if (!m.has(p.key) && !PER_RUN_KEYS.has(p.key)) m.set(p.key, p.value);
  return m;
}
