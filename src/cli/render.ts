// The one place rows become text: a table for people, JSON or CSV for programs (STYLE.md §4).
// Printing a table is async because cli-table3 (and the emoji-regex it carries) is loaded only
// when a table is printed: --json, --csv and the start-up of every command never pay for it.
import type { OutputStream } from '../commands/context.js';
import type { OutputFormat } from './options.js';
import { escapeControlChars } from '../core/terminal-text.js';

export interface Column<Row> {
  /** Header in the table and CSV. */
  header: string;
  /** Key in --json output and the CSV header when `csvHeader` is not given. */
  key: string;
  value: (row: Row) => unknown;
  /** Table-only formatting (numbers to 3 decimals, …). CSV and JSON get raw values. */
  display?: (row: Row) => string;
  align?: 'left' | 'right';
}

export async function render<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  format: OutputFormat,
  out: OutputStream,
  options: { json?: (row: Row) => unknown } = {},
): Promise<void> {
  if (format === 'json') {
    const toJson =
      options.json ?? ((row: Row) => Object.fromEntries(columns.map((c) => [c.key, c.value(row) ?? null])));
    out.write(`${JSON.stringify(rows.map(toJson), null, 2)}\n`);
    return;
  }
  if (format === 'csv') {
    out.write(`${columns.map((c) => csvCell(c.key)).join(',')}\n`);
    for (const row of rows) out.write(`${columns.map((c) => csvCell(c.value(row))).join(',')}\n`);
    return;
  }
  out.write(
    `${await tableText(
      columns.map((c) => c.header),
      rows.map((row) => columns.map((c) => (c.display ? c.display(row) : displayValue(c.value(row))))),
      // Numbers line up on the right unless a column says otherwise.
      columns.map((c) => c.align ?? (isNumericColumn(rows, c) ? 'right' : 'left')),
    )}\n`,
  );
}

/**
 * JSON or CSV, written as the rows come (byte for byte what `render` prints): for results too big
 * to hold, e.g. `runs sql --limit 10000000 --json`. Output goes in ~64 KB pieces and waits when
 * the stream asks it to (a slow pipe must not make us buffer everything). The first row is read
 * before anything is written, so a statement refused when it runs leaves stdout empty. When the
 * reader goes away (`| head -1` closes the pipe) it stops reading rows and returns: the command
 * ends normally, as the others do under `| head`.
 */
export async function renderStream<Row>(
  rows: Iterable<Row>,
  columns: readonly Column<Row>[],
  format: 'json' | 'csv',
  out: OutputStream,
): Promise<void> {
  const it = rows[Symbol.iterator]();
  let next = it.next();
  let pending = '';
  const push = async (text: string) => {
    pending += text;
    if (pending.length < STREAM_CHUNK) return;
    const chunk = pending;
    pending = '';
    if (out.write(chunk) === false && (await drainedOrClosed(out)) === 'closed') throw new ReaderGone();
  };
  try {
    if (format === 'json') {
      if (next.done) {
        out.write('[]\n');
        return;
      }
      await push('[\n');
      for (let first = true; !next.done; next = it.next(), first = false) {
        const object = Object.fromEntries(columns.map((c) => [c.key, c.value(next.value as Row) ?? null]));
        await push(`${first ? '' : ',\n'}${JSON.stringify(object, null, 2).replace(/^/gm, '  ')}`);
      }
      await push('\n]\n');
    } else {
      await push(`${columns.map((c) => csvCell(c.key)).join(',')}\n`);
      for (; !next.done; next = it.next())
        await push(`${columns.map((c) => csvCell(c.value(next.value as Row))).join(',')}\n`);
    }
    if (pending) out.write(pending);
  } catch (err) {
    if (!(err instanceof ReaderGone)) throw err;
  } finally {
    // Rows not read (the reader went away, or an error): let the source finish its statement.
    if (!next.done) it.return?.();
  }
}

const STREAM_CHUNK = 64 * 1024;

/** Nobody reads the output any more (a pipe closed under renderStream). */
class ReaderGone extends Error {}

/** Waits until a full stream takes more ('drain'), or has closed: a closed pipe sends no 'drain'. */
async function drainedOrClosed(out: OutputStream): Promise<'drained' | 'closed'> {
  if (out.destroyed) return 'closed'; // closed before this write: its 'close' has been and gone
  if (typeof out.once !== 'function') return 'drained';
  return new Promise((resolve) => {
    const drained = () => {
      out.removeListener?.('close', closed);
      resolve('drained');
    };
    const closed = () => {
      out.removeListener?.('drain', drained);
      resolve('closed');
    };
    out.once!('drain', drained);
    out.once!('close', closed);
  });
}

/**
 * cli-table3 lays a table out in time quadratic in its rows (its check for spanning cells looks at
 * every row above each cell): 1,000 rows x 13 columns took 0.7 s, 2,000 2.5 s, 4,000 8.8 s, and
 * `runs list` of 10,000 runs 22.7 s (now 2.7 s, the same bytes). Longer tables are drawn in pieces
 * of this many rows, each with the whole table's column widths. 10,000 rows x 9 columns in pieces
 * of 25, 50, 100, 200, 400 rows: 1.46, 1.40, 1.50, 1.80, 2.33 s (the rest is cli-table3's own
 * cost per cell).
 */
export const ROWS_PER_PIECE = 100;

/**
 * A borderless, aligned table: the shape people paste into issues and notes. Drawn in pieces of
 * `rowsPerPiece` rows whose column widths are measured as cli-table3 measures them (its own
 * strlen: the display width), so the text is the same as one table's.
 */
export async function tableText(
  header: string[],
  body: string[][],
  aligns?: ('left' | 'right')[],
  rowsPerPiece = ROWS_PER_PIECE,
): Promise<string> {
  const [{ default: Table }, { default: cliTableText }] = await Promise.all([
    import('cli-table3'),
    import('cli-table3/src/utils.js'),
  ]);
  const head = header.map((h) => escapeControlChars(h));
  const rows = body.map((r) => r.map((cell) => escapeControlChars(cell)));
  const piece = (from: number, colWidths?: number[]) => {
    const table = new Table({
      head: from === 0 ? head : [],
      chars: {
        top: '',
        'top-mid': '',
        'top-left': '',
        'top-right': '',
        bottom: '',
        'bottom-mid': '',
        'bottom-left': '',
        'bottom-right': '',
        left: '',
        'left-mid': '',
        mid: '',
        'mid-mid': '',
        right: '',
        'right-mid': '',
        middle: '  ',
      },
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
      colAligns: aligns ?? header.map(() => 'left' as const),
      ...(colWidths ? { colWidths } : {}),
      wordWrap: false,
    });
    for (const r of rows.slice(from, from + rowsPerPiece)) table.push(r);
    return table.toString();
  };
  let text: string;
  if (rows.length <= rowsPerPiece) text = piece(0);
  else {
    const widths = head.map((h) => cliTableText.strlen(h));
    for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cliTableText.strlen(cell))));
    const pieces: string[] = [];
    for (let from = 0; from < rows.length; from += rowsPerPiece) pieces.push(piece(from, widths));
    text = pieces.join('\n');
  }
  return text
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

/** Key/value pairs as two aligned columns (show, diff sections). */
export function keyValueText(pairs: [string, string][]): string {
  const safe = pairs.map(([k, v]) => [escapeControlChars(k), escapeControlChars(v)] as const);
  const width = Math.max(0, ...safe.map(([k]) => k.length));
  return safe.map(([k, v]) => `${k.padEnd(width)}  ${v}`.replace(/\s+$/, '')).join('\n');
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatNumber(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/**
 * An ISO 8601 UTC time as people read it: local time (the TZ of this process), to the second,
 * `2026-11-29 15:05:09`. JSON and CSV keep the ISO text.
 */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Config values print as stored (0.05 stays 0.05): they are settings, not measurements. A time
 * (`started_at`, `finished_at`: ISO UTC) prints as local time.
 */
export function displaySetting(v: unknown, key = ''): string {
  if (key.endsWith('_at') && typeof v === 'string') return localTime(v);
  return typeof v === 'number' ? String(v) : displayValue(v);
}

/** Losses print with 3 decimals (as the trainer prints them); big or tiny numbers stay readable. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return v.toExponential(2);
  return v.toFixed(digits);
}

function isNumericColumn<Row>(rows: readonly Row[], c: Column<Row>): boolean {
  let sawNumber = false;
  for (const row of rows) {
    const v = c.value(row);
    if (typeof v === 'number') sawNumber = true;
    else if (v !== null && v !== undefined) return false;
  }
  return sawNumber;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  // Lists (tags) as a JSON array, the form `runs sql` returns too: unambiguous whatever the items hold.
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
