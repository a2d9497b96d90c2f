// The `runs list` table: which columns, in what order, at what width. Which: the ones you name
// (--columns), else what fits the terminal in priority order; the column you sort or filter by is
// always there. JSON and CSV never change with the terminal (print.ts).
import type { RunListItem } from '../commands/list.js';
import { SORT_KEY_COLUMNS, type SortKey } from '../core/sort-keys.js';
import { tellApart } from '../core/tell-apart.js';
import { formatDuration } from '../core/duration.js';
import { displayValue, formatNumber, localTime, type Column } from './render.js';

type Item = RunListItem & { params?: string };

interface ListColumn {
  name: string;
  header: string;
  /** Header under 100 columns, so a row fits 80. */
  compact?: string;
  value: (i: Item) => unknown;
  display?: (i: Item) => string;
  align?: 'left' | 'right';
  /** Shown by default only when some row has a value (a column of dashes is no information). */
  sparse?: boolean;
}

/** `Qwen/Qwen3-4B-Instruct-2507-4bit` → `Qwen3-4B-Instruct-2507-4bit`, cut to fit a column. */
export function shortModel(model: string | null, max = 24): string {
  if (!model) return '-';
  const name = model.replace(/\/+$/, '').split('/').pop() ?? model;
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

const num = (name: keyof RunListItem['row'], header: string, extra: Partial<ListColumn> = {}): ListColumn => ({
  name,
  header,
  value: (i) => i.row[name],
  display: (i) => formatNumber(i.row[name] as number | null),
  align: 'right',
  sparse: true,
  ...extra,
});

/** A run that stopped before its planned iterations shows how far it got, as a running one does. */
function itersText(r: RunListItem['row']): string {
  if (r.iters && r.status !== 'completed' && r.status !== 'unknown') return `${r.last_iter ?? 0}/${r.iters}`;
  return displayValue(r.iters ?? r.last_iter);
}

/** Every named column, in the order a table shows them. */
const CATALOG: ListColumn[] = [
  { name: 'id', header: 'id', value: (i) => i.row.id },
  { name: 'status', header: 'status', value: (i) => i.row.status },
  { name: 'model', header: 'model', value: (i) => i.row.model },
  { name: 'params', header: 'params', value: (i) => i.params ?? '', display: (i) => i.params || '-', sparse: true },
  { name: 'iters', header: 'iters', value: (i) => i.row.iters, display: (i) => itersText(i.row), align: 'right' },
  {
    name: 'best_val_loss',
    header: 'best val (iter)',
    compact: 'best val',
    value: (i) => i.row.best_val_loss,
    display: (i) =>
      i.row.best_val_loss === null ? '-' : `${formatNumber(i.row.best_val_loss)} (${i.row.best_val_iter ?? '?'})`,
    align: 'left',
  },
  num('final_val_loss', 'final val'),
  num('final_train_loss', 'final train', { compact: 'train', sparse: false }),
  num('test_loss', 'test loss'),
  num('test_ppl', 'test ppl'),
  num('tokens_per_sec', 'tok/s', {
    display: (i) => (i.row.tokens_per_sec === null ? '-' : String(Math.round(i.row.tokens_per_sec))),
    sparse: false,
  }),
  num('learning_rate', 'lr', { display: (i) => displayValue(i.row.learning_rate) }),
  num('lora_rank', 'rank'),
  num('duration_s', 'duration', {
    display: (i) => (i.row.duration_s === null ? '-' : formatDuration(i.row.duration_s)),
  }),
  num('peak_mem_gb', 'peak mem'),
  {
    name: 'tags',
    header: 'tags',
    value: (i) => i.json.tags,
    display: (i) => i.json.tags.join(',') || '-',
    sparse: true,
  },
  {
    name: 'started_at',
    header: 'started',
    value: (i) => i.row.started_at,
    display: (i) => localTime(i.row.started_at),
  },
  {
    name: 'finished_at',
    header: 'finished',
    value: (i) => i.row.finished_at,
    display: (i) => localTime(i.row.finished_at),
    sparse: true,
  },
];

/** Other `runs` columns a table can show as they are (by --columns, or because --where names them). */
const PLAIN = [
  'uid',
  'host',
  'path',
  'data_dir',
  'fine_tune_type',
  'num_layers',
  'lora_alpha',
  'lora_dropout',
  'batch_size',
  'seed',
  'max_seq_length',
  'git_sha',
  'git_dirty',
  'exit_code',
  'signal',
  'note',
  'last_iter',
  'best_val_iter',
  'checkpoints',
  'trained_tokens',
  'log_format',
] as const;

const ALL: ListColumn[] = [
  ...CATALOG,
  ...PLAIN.map((name) => ({ name, header: name, value: (i: Item) => i.row[name], sparse: true })),
];
const BY_NAME = new Map(ALL.map((c) => [c.name, c]));

/** What --columns accepts. */
export const LIST_COLUMN_NAMES: readonly string[] = ALL.map((c) => c.name);

/** Always shown; then the optional ones in this order while they fit. */
const REQUIRED = ['id', 'status', 'model', 'iters', 'best_val_loss'];
const OPTIONAL = [
  'final_train_loss',
  'tokens_per_sec',
  'params',
  'tags',
  'learning_rate',
  'lora_rank',
  'test_loss',
  'duration_s',
];
/**
 * What the model column keeps when the optional columns are fitted (a narrow terminal cuts it
 * more); it gets whatever is left in the end, at most MODEL_MAX.
 */
const MODEL_RESERVE = { wide: 24, compact: 10 };
const MODEL_MAX = 40;

/** The runs columns an expression names (quoted strings skipped), as table columns. */
export function columnsNamedIn(where: string | undefined): string[] {
  if (!where) return [];
  const words = where.replace(/'(?:[^']|'')*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return [...new Set(words.map((w) => w.toLowerCase()))].filter((w) => BY_NAME.has(w));
}

export interface ListTableOptions {
  width: number;
  sort?: SortKey;
  where?: string;
  columns?: string[];
}

export function listTableColumns(items: RunListItem[], o: ListTableOptions): { rows: Item[]; columns: Column<Item>[] } {
  const compact = o.width < 100;
  // The sort key's column; `started` is the id itself (a run id is its local start time).
  const sortColumn = o.sort && o.sort !== 'started' ? SORT_KEY_COLUMNS[o.sort] : undefined;
  const forced = [...(sortColumn ? [sortColumn] : []), ...columnsNamedIn(o.where)];
  const withSummary = (shown: Iterable<string>) => {
    const summaries = tellApart(
      items.map((i) => i.row),
      new Set(shown),
    );
    return items.map((i) => ({ ...i, params: summaries.get(i.row.id) ?? '' }));
  };
  let rows: Item[] = withSummary([...REQUIRED, ...forced]);
  const reserve = compact ? MODEL_RESERVE.compact : MODEL_RESERVE.wide;

  const cells = (c: ListColumn, modelWidth: number) =>
    rows.map((i) =>
      c.name === 'model' ? shortModel(i.row.model, modelWidth) : c.display ? c.display(i) : displayValue(c.value(i)),
    );
  const widthOf = (c: ListColumn, modelWidth = reserve) =>
    Math.max(((compact && c.compact) || c.header).length, ...cells(c, modelWidth).map((s) => s.length));
  const hasValues = (c: ListColumn) => rows.some((i) => (c.display ? c.display(i) : displayValue(c.value(i))) !== '-');

  let names: string[];
  if (o.columns) names = [...o.columns, ...forced.filter((f) => !o.columns!.includes(f))];
  else {
    names = [...REQUIRED, ...forced.filter((f) => !REQUIRED.includes(f))];
    let used = names.reduce((sum, n) => sum + widthOf(BY_NAME.get(n)!) + 2, -2);
    for (const n of OPTIONAL) {
      const c = BY_NAME.get(n)!;
      if (names.includes(n) || (c.sparse && !hasValues(c))) continue;
      const w = widthOf(c) + 2;
      if (used + w <= o.width) {
        names.push(n);
        used += w;
      }
    }
    // Canonical order: the catalog's, then the plain columns --where named.
    names.sort((a, b) => ALL.indexOf(BY_NAME.get(a)!) - ALL.indexOf(BY_NAME.get(b)!));
  }
  // The summary leaves out what has its own column (and goes when nothing is left to say).
  if (names.includes('params')) {
    rows = withSummary(names);
    if (!o.columns?.includes('params') && !rows.some((i) => i.params)) names = names.filter((n) => n !== 'params');
  }
  const chosen = names.map((n) => BY_NAME.get(n)!);
  const others = chosen.filter((c) => c.name !== 'model').reduce((sum, c) => sum + widthOf(c) + 2, 0);
  const modelWidth = Math.max(10, Math.min(MODEL_MAX, o.width - others));
  return {
    rows,
    columns: chosen.map((c) => ({
      header: (compact && c.compact) || c.header,
      key: c.name,
      value: c.value,
      display: c.name === 'model' ? (i: Item) => shortModel(i.row.model, modelWidth) : c.display,
      align: c.align,
    })),
  };
}
