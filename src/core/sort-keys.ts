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
