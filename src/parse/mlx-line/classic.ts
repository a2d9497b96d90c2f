// Classic `Iter N: …` lines (every mlx_lm era, lora.py, mlx-lm-lora, mlx-vlm, instructlab) and
// the `Test loss …, Test ppl ….` line: the hot path of a big log.
import type { ParsedLine } from './types.js';
import { LineHint, type LineScratch } from './types.js';
import { newMetric, parseTail, standardTrainTail, standardValTail } from './fields.js';
import { isSpace, parseNumber, scanNumber } from './numbers.js';
import { parseSave } from './checkpoint.js';

export const HEAD_TRAIN = 'Train loss ';
export const HEAD_VAL = 'Val loss ';
export const HEAD_SAVE = 'Saved adapter weights to';
/** mlx-lm-lora's train head (`Iter N: loss X, lr …`; FTPO `loss X.XXXX, chosen_win …`). */
const HEAD_LOSS = 'loss ';

export function parseIterLine(st: LineScratch, s: string): ParsedLine | null {
  // Not anchored: timestamps, `[rank0] `, `Epoch 1: ` may precede; an earlier `Iter ` that is not a
  // head (e.g. inside a prefix) must not hide the real one, hence the loop.
  let i = s.indexOf('Iter ');
  while (i >= 0) {
    const r = parseAfterIter(st, s, i);
    if (r !== null) return r;
    i = s.indexOf('Iter ', i + 5);
  }
  return null;
}

function parseAfterIter(st: LineScratch, s: string, i: number): ParsedLine | null {
  const n = s.length;
  const d0 = i + 5;
  let j = d0;
  let iter = 0;
  let c = j < n ? s.charCodeAt(j) : -1;
  while (c >= 48 && c <= 57) {
    iter = iter * 10 + (c - 48);
    c = ++j < n ? s.charCodeAt(j) : -1;
  }
  // More than 15 digits is not an iteration (and would not be an exact integer).
  if (j === d0 || j - d0 > 15 || c !== 58 /* : */) return null;
  let hints = 0;
  if (s.charCodeAt(d0) === 48 /* 0 */ && j - d0 > 1) hints |= LineHint.ZERO_PADDED;
  j++;
  while (j < n && s.charCodeAt(j) === 32) j++;
  if (i >= 9 && s.lastIndexOf('Epoch ', i) >= 0 && EPOCH_PREFIX.test(s.slice(0, i))) hints |= LineHint.EPOCH_PREFIX;
  if (s.startsWith(HEAD_TRAIN, j)) {
    const r = parseMetric(st, s, 'train', iter, j + HEAD_TRAIN.length, hints);
    // mlx-vlm prints the train loss with 8 decimals (`{train_loss:.8f}`); mlx-lm never more than 3.
    if (r !== null && r.type === 'metric' && decimalsBeforeComma(s, j + HEAD_TRAIN.length) >= 6)
      r.hints |= LineHint.MLX_VLM;
    return r;
  }
  if (s.startsWith(HEAD_VAL, j)) return parseMetric(st, s, 'val', iter, j + HEAD_VAL.length, hints);
  if (s.startsWith(HEAD_SAVE, j)) return parseSave(s, iter, j + HEAD_SAVE.length, hints);
  if (s.startsWith(HEAD_LOSS, j))
    return parseMetric(st, s, 'train', iter, j + HEAD_LOSS.length, hints | LineHint.LORA_PKG);
  if (s.startsWith('Saved ', j)) {
    // Other trainers' words: `Saved model checkpoint weights to`, `Saved trained weights to` (README rule 8).
    const m = SAVE_WORDS.exec(s.slice(j));
    if (m !== null) return parseSave(s, iter, j + m[0].length, hints);
  }
  if (j === n) return { type: 'block_iter', iter };
  return null;
}

const SAVE_WORDS = /^Saved (?:[A-Za-z]+ ){1,4}?weights to/;

/** Digits after the decimal point of the number at s[q] (up to the next comma). */
function decimalsBeforeComma(s: string, q: number): number {
  const comma = s.indexOf(',', q);
  const dot = s.indexOf('.', q);
  return dot < 0 || comma < 0 || dot > comma ? 0 : comma - dot - 1;
}

const EPOCH_PREFIX = /Epoch \d+:\s*$/;

function parseMetric(
  st: LineScratch,
  s: string,
  split: 'train' | 'val',
  iter: number,
  q: number,
  hints: number,
): ParsedLine | null {
  // The comma after the loss proves the loss is complete (README rule 3).
  const comma = s.indexOf(',', q);
  if (comma < 0) return null;
  const loss = parseNumber(st, s, q, comma);
  if (loss === undefined) return null;
  const record = newMetric(split, iter, loss);
  if (split === 'train' ? !standardTrainTail(st, s, comma + 1, record) : !standardValTail(st, s, comma + 1, record)) {
    parseTail(st, s, comma + 1, record);
  }
  return { type: 'metric', record, fields: st.tailFields, cut: st.tailCut, hints: hints | st.tailHints };
}

export function parseTestLine(st: LineScratch, s: string): ParsedLine | null {
  const t = s.indexOf('Test loss ');
  const q = t + 10;
  const comma = s.indexOf(',', q);
  if (comma < 0) return null;
  const loss = parseNumber(st, s, q, comma);
  if (loss === undefined || !s.startsWith(' Test ppl ', comma + 1)) return null;
  const r = comma + 11;
  let e = s.length;
  while (e > r && isSpace(s.charCodeAt(e - 1))) e--;
  const ppl = scanNumber(st, s, r, e);
  if (ppl === undefined) return null;
  const end = st.numberEnd;
  // The perplexity may be followed by `.` (mlx_lm), by `, more fields` or by the end of the line
  // (mlx-lm-lora modes). It must be complete: three decimals (`{:.3f}`), or nan/inf, so a line
  // cut inside the number (`Test ppl 3.` / `Test ppl 3.9`) is not a result.
  if (end !== e && !(end === e - 1 && s.charCodeAt(end) === 46) && s.charCodeAt(end) !== 44) return null;
  if (ppl !== null) {
    const dot = s.indexOf('.', r);
    if (dot < 0 || dot >= end || end - dot - 1 !== 3) return null;
  }
  const record = newMetric('test', null, loss);
  record.test_ppl = ppl;
  return { type: 'metric', record, fields: 1, cut: false, hints: 0 };
}
