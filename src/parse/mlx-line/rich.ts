// The rich table UI of unreleased mlx-lm main (after ANSI stripping; columns overflow, so split
// on whitespace, not on columns).
import { newMetric } from './fields.js';
import { numberOrNull } from './numbers.js';
import { LineHint, type LineScratch, type ParsedLine } from './types.js';

const NUM = String.raw`[-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|nan|inf)`;
const RICH_TRAIN = new RegExp(
  String.raw`^\s*(\d{1,15})\s+(${NUM})\s+[\u25BC\u25B2]\s+([\d,]+|nan|inf)\s+(${NUM})k\s*$`,
);
const RICH_VAL = new RegExp(String.raw`^\s*(\d{1,15})\s+val\s+(${NUM})\s+(${NUM})s\s*$`);
const RICH_SAVE = /^\s*save\s+((\d{1,15})_.*?)\s*$/;
const RICH_BAR = /^\s*train\s+\S*\s+(\d{1,3})%\s+\u00B7\s+(\d{1,3}(?:,\d{3})*|\d+)\/(\d{1,3}(?:,\d{3})*|\d+)\s*$/;
const PANEL_ITERS = /batch \u00B7 iters\s+\S+\s+\u00B7\s+([\d,]{1,20})/;

export function parseRichTrain(st: LineScratch, s: string): ParsedLine | null {
  const m = RICH_TRAIN.exec(s);
  if (m === null) return null;
  const record = newMetric('train', Number(m[1]), numberOrNull(st, m[2]));
  record.tokens_per_sec = numberOrNull(st, (m[3] ?? '').replace(/,/g, ''));
  const k = numberOrNull(st, m[4]);
  // `51.8k`: tokens are only known to 100; round away the float noise of ×1000.
  record.trained_tokens = k === null ? null : Math.round(k * 1000);
  return { type: 'metric', record, fields: 3, cut: false, hints: LineHint.RICH_UI };
}

export function parseRichVal(st: LineScratch, s: string): ParsedLine | null {
  const m = RICH_VAL.exec(s);
  if (m === null) return null;
  const record = newMetric('val', Number(m[1]), numberOrNull(st, m[2]));
  record.val_time_s = numberOrNull(st, m[3]);
  return { type: 'metric', record, fields: 1, cut: false, hints: LineHint.RICH_UI };
}

export function parseRichSave(s: string): ParsedLine | null {
  const m = RICH_SAVE.exec(s);
  if (m === null || m[1] === undefined) return null;
  const file = m[1];
  const cut = !file.endsWith('.safetensors');
  return {
    type: 'checkpoint',
    record: { kind: 'checkpoint', iter: Number(m[2]), file: cut ? null : file, segment: 0 },
    cut,
    hints: LineHint.RICH_UI | LineHint.SAFETENSORS,
  };
}

/** The header panel's `batch · iters  B · N` row. */
export function parseRichPanel(s: string): ParsedLine | null {
  const m = PANEL_ITERS.exec(s);
  if (m === null || m[1] === undefined) return null;
  return { type: 'rich_header', iters: Number(m[1].replace(/,/g, '')) };
}

export function parseRichBarOrHeader(s: string): ParsedLine | null {
  if (s.indexOf('train_loss') >= 0 && s.indexOf('tok/s') >= 0) return { type: 'rich_header', iters: null };
  if (s.indexOf('%') < 0) return null;
  const m = RICH_BAR.exec(s);
  if (m === null) return null;
  const done = Number((m[2] ?? '').replace(/,/g, ''));
  const total = Number((m[3] ?? '').replace(/,/g, ''));
  return { type: 'rich_bar', percent: Number(m[1]), done, total };
}
