// unsloth on MLX (§3.7): `  Step a/b | Loss: X | [Grad: g | ]LR: lr | Tok/s: t | Peak: m GB`,
// `  Eval  a/b | Val Loss: X | Perplexity: p`, `  Saved checkpoint to DIR/checkpoint-N`.
import { addExtra, newMetric } from './fields.js';
import { numberOrUndefined } from './numbers.js';
import { LineHint, type LineScratch, type ParsedLine } from './types.js';

const UNSLOTH_HEAD = /(?:^|\s)(Step|Eval)\s+(\d{1,15})\/(\d{1,15}) \| /;
const UNSLOTH_PIECE = /^\s*([A-Za-z][\w /]*?):\s*(\S+?)\s*(GB)?\s*$/;
const UNSLOTH_SAVE = /(?:^|\s)Saved checkpoint to (.*?checkpoint-(\d{1,15}))\/?\s*$/;
const UNSLOTH_FINAL = /Unsloth: Saved final adapters to (\S.*?)\s*$/;

export function parseUnslothLine(st: LineScratch, s: string): ParsedLine | null {
  const m = UNSLOTH_HEAD.exec(s);
  if (m === null) return null;
  const split = m[1] === 'Step' ? 'train' : 'val';
  const pieces = s.slice(m.index + m[0].length).split(' | ');
  const record = newMetric(split, Number(m[2]), null);
  let haveLoss = false;
  let fields = 0;
  let cut = false;
  for (let k = 0; k < pieces.length; k++) {
    const last = k === pieces.length - 1;
    const p = UNSLOTH_PIECE.exec(pieces[k] ?? '');
    const value = p === null ? undefined : numberOrUndefined(st, p[2]);
    if (p === null || value === undefined) {
      if (last) cut = true;
      continue;
    }
    const name = p[1] ?? '';
    if (name === 'Loss' || name === 'Val Loss') {
      // Like the comma rule of classic lines: only a loss followed by ` | ` is known to be whole.
      if (last) return null;
      record.loss = value;
      haveLoss = true;
      continue;
    }
    if (name === 'Peak' && p[3] === undefined && last) {
      cut = true;
      continue;
    }
    fields++;
    if (name === 'LR') record.learning_rate = value;
    else if (name === 'Tok/s') record.tokens_per_sec = value;
    else if (name === 'Peak') record.peak_mem_gb = value;
    else addExtra(record, name, value);
  }
  if (!haveLoss) return null;
  return { type: 'metric', record, fields, cut, hints: LineHint.UNSLOTH };
}

export function parseUnslothSave(s: string): ParsedLine | null {
  const f = UNSLOTH_FINAL.exec(s);
  if (f !== null)
    return { type: 'final_save', file: f[1] ?? null, adapter: false, cut: false, hints: LineHint.UNSLOTH };
  const m = UNSLOTH_SAVE.exec(s);
  if (m === null) return null;
  return {
    type: 'checkpoint',
    record: { kind: 'checkpoint', iter: Number(m[2]), file: m[1] ?? null, segment: 0 },
    cut: false,
    hints: LineHint.UNSLOTH,
  };
}
