// `runs list --sort` keys, listed once: feeds zod, commander's .choices() and db's column map.
export const SORT_KEYS = [
  'started',
  'val_loss',
  'final_val_loss',
  'train_loss',
  'test_loss',
  'iters',
  'tokens_per_sec',
  'peak_mem',
  'duration',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Direction when the user does not pass --desc: losses ascend (best first), `started` newest first. */
export const DEFAULT_DESCENDING: Record<SortKey, boolean> = {
  started: true,
  val_loss: false,
  final_val_loss: false,
  train_loss: false,
  test_loss: false,
  iters: false,
  tokens_per_sec: false,
  peak_mem: false,
  duration: false,
};

/**
 * What "best" means per key (`runs best --by KEY`): losses, memory and duration are better low;
 * throughput and iterations better high; `started` picks the newest.
 */
export const BEST_IS_HIGHER: Record<SortKey, boolean> = {
  started: true,
  val_loss: false,
  final_val_loss: false,
  train_loss: false,
  test_loss: false,
  iters: true,
  tokens_per_sec: true,
  peak_mem: false,
  duration: false,
};

/** The `runs` column each key sorts by (the index maps the same names to its columns). */
export const SORT_KEY_COLUMNS = {
  started: 'started_at',
  val_loss: 'best_val_loss',
  final_val_loss: 'final_val_loss',
  train_loss: 'final_train_loss',
  test_loss: 'test_loss',
  iters: 'iters',
  tokens_per_sec: 'tokens_per_sec',
  peak_mem: 'peak_mem_gb',
  duration: 'duration_s',
} as const satisfies Record<SortKey, string>;
