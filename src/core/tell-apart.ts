// Runs of the same model told apart in one short text (`rank=16 lr=2e-05`): what differs between
// them. Pure: rows in, one summary per run id out.

/** The config columns worth telling runs apart by, with the short names a table row can afford. */
const KEYS = [
  ['lora_rank', 'rank'],
  ['learning_rate', 'lr'],
  ['batch_size', 'bs'],
  ['iters', 'iters'],
  ['lora_alpha', 'alpha'],
  ['lora_dropout', 'dropout'],
  ['num_layers', 'layers'],
  ['max_seq_length', 'seq'],
  ['fine_tune_type', 'type'],
  ['seed', 'seed'],
  ['data_dir', 'data'],
] as const;

export type TellApartKey = (typeof KEYS)[number][0];
type Row = { id: string; model: string | null } & Record<TellApartKey, string | number | null>;

/**
 * For every run that shares its model with another shown run: the keys whose values differ within
 * that group, as `name=value` (`skip`: keys already shown in their own column). Others get ''.
 */
export function tellApart(rows: readonly Row[], skip: ReadonlySet<string> = new Set()): Map<string, string> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.model ?? '', [...(groups.get(r.model ?? '') ?? []), r]);
  const out = new Map<string, string>();
  for (const group of groups.values()) {
    const differing =
      group.length < 2
        ? []
        : KEYS.filter(([k]) => !skip.has(k) && new Set(group.map((r) => String(r[k] ?? ''))).size > 1);
    for (const r of group)
      out.set(
        r.id,
        differing
          .filter(([k]) => r[k] !== null && r[k] !== undefined)
          .map(([k, name]) => `${name}=${r[k]}`)
          .join(' '),
      );
  }
  return out;
}
