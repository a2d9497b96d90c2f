// The field scanner: the `name value[unit]` tail of a metric line after its loss. The upstream
// tails go through one sticky regex each (the common case); everything else through a one-pass
// forward scan of the known names, and a backward scan of any other piece (fork fields, damage).
import type { MetricRecord } from '../../core/records.js';
import {
  isDigit,
  isNumberChar,
  isNumberStart,
  isSpace,
  numberOrUndefined,
  parseNumber,
  scanNumber,
} from './numbers.js';
import { LineHint, type LineScratch } from './types.js';

/** A record with only the loss known; the scanners fill in the rest. */
export function newMetric(split: 'train' | 'val' | 'test', iter: number | null, loss: number | null): MetricRecord {
  return {
    kind: 'metric',
    split,
    iter,
    loss,
    learning_rate: null,
    it_per_sec: null,
    tokens_per_sec: null,
    trained_tokens: null,
    peak_mem_gb: null,
    val_time_s: null,
    test_ppl: null,
    segment: 0,
  };
}

// Upstream train lines (formats C/D of mlx_lm, A/B of lora.py and early mlx_lm) are nearly every
// line of a big log: one native regex pass beats the hand scan of parseTail(); any deviation
// (fork fields, damage, a cut-off tail) falls back to it.
const TAIL_MLX =
  /\s*Learning Rate ([^,]*), It\/sec ([^,]*), Tokens\/sec ([^,]*), Trained Tokens ([^,]*)(?:, Peak mem ([^,]*) GB)?\s*$/y;
const TAIL_LORAPY = /\s*It\/sec ([^,]*), Tokens\/sec ([^,]*)(?:, Trained Tokens ([^,]*))?\s*$/y;
const TAIL_VAL = /\s*Val took ([^,]*)s\s*$/y;

export function standardTrainTail(st: LineScratch, s: string, from: number, rec: MetricRecord): boolean {
  TAIL_MLX.lastIndex = from;
  let m = TAIL_MLX.exec(s);
  if (m !== null) {
    const lr = numberOrUndefined(st, m[1]);
    const its = numberOrUndefined(st, m[2]);
    const tps = numberOrUndefined(st, m[3]);
    const tt = numberOrUndefined(st, m[4]);
    const peak = m[5] === undefined ? null : numberOrUndefined(st, m[5]);
    if (lr === undefined || its === undefined || tps === undefined || tt === undefined || peak === undefined) {
      return false;
    }
    rec.learning_rate = lr;
    rec.it_per_sec = its;
    rec.tokens_per_sec = tps;
    rec.trained_tokens = tt;
    rec.peak_mem_gb = peak;
    const withPeak = m[5] !== undefined;
    st.tailFields = withPeak ? 5 : 4;
    st.tailCut = false;
    st.tailHints =
      LineHint.LEARNING_RATE | LineHint.IT_PER_SEC | LineHint.TRAINED_TOKENS | (withPeak ? LineHint.PEAK_MEM : 0);
    return true;
  }
  TAIL_LORAPY.lastIndex = from;
  m = TAIL_LORAPY.exec(s);
  if (m === null) return false;
  const its = numberOrUndefined(st, m[1]);
  const tps = numberOrUndefined(st, m[2]);
  const tt = m[3] === undefined ? null : numberOrUndefined(st, m[3]);
  if (its === undefined || tps === undefined || tt === undefined) return false;
  rec.it_per_sec = its;
  rec.tokens_per_sec = tps;
  rec.trained_tokens = tt;
  const withTokens = m[3] !== undefined;
  st.tailFields = withTokens ? 3 : 2;
  st.tailCut = false;
  st.tailHints = LineHint.IT_PER_SEC | (withTokens ? LineHint.TRAINED_TOKENS : 0);
  return true;
}

export function standardValTail(st: LineScratch, s: string, from: number, rec: MetricRecord): boolean {
  TAIL_VAL.lastIndex = from;
  const m = TAIL_VAL.exec(s);
  if (m === null) return false;
  const t = numberOrUndefined(st, m[1]);
  if (t === undefined) return false;
  rec.val_time_s = t;
  st.tailFields = 1;
  st.tailCut = false;
  st.tailHints = 0;
  return true;
}

const F_UNKNOWN = 0;
const F_LR = 1;
const F_IT_SEC = 2;
const F_TOK_SEC = 3;
const F_TRAINED = 4;
const F_PEAK = 5;
const F_VAL_TOOK = 6;
const F_ORPO = 7;
const F_GRPO = 8;

const U_NONE = 0;
const U_GB = 1;
const U_S = 2;

/**
 * `name value[unit]` pieces split on `,`; unknown names are accepted and ignored. Known upstream
 * names are matched forward in one pass (the common case); anything else (fork fields, mangled
 * `Peak33.1 GB`, cut-off pieces) goes through the slower backward scan of genericPiece().
 */
export function parseTail(st: LineScratch, s: string, from: number, rec: MetricRecord): void {
  let fields = 0;
  let cut = false;
  let hints = 0;
  const n = s.length;
  let pos = from;
  for (;;) {
    let a = pos;
    while (a < n && isSpace(s.charCodeAt(a))) a++;
    if (a >= n) {
      // The line ends right after a comma: the next field was cut off.
      cut = true;
      break;
    }
    const field = knownField(st, s, a);
    if (field !== F_UNKNOWN) {
      const value = scanNumber(st, s, st.nameEnd, n);
      if (value !== undefined) {
        let k = st.numberEnd;
        let unit = U_NONE;
        if (k < n) {
          const c0 = s.charCodeAt(k);
          if (c0 === 115 /* s */) {
            unit = U_S;
            k++;
          } else if (c0 === 32 && k + 2 < n && s.charCodeAt(k + 1) === 71 && s.charCodeAt(k + 2) === 66) {
            unit = U_GB;
            k += 3;
          } else if (c0 === 71 && k + 1 < n && s.charCodeAt(k + 1) === 66) {
            unit = U_GB;
            k += 2;
          }
        }
        while (k < n && isSpace(s.charCodeAt(k))) k++;
        if (k >= n || s.charCodeAt(k) === 44 /* , */) {
          const last = k >= n;
          hints |= FIELD_HINT[field] as number;
          if (last && ((field === F_PEAK && unit !== U_GB) || (field === F_VAL_TOOK && unit !== U_S))) {
            // `Peak mem 3.41` at the very end: the value itself may be cut, so it is not kept.
            cut = true;
          } else {
            fields++;
            assignField(rec, field, value);
          }
          if (last) break;
          pos = k + 1;
          continue;
        }
      }
    }
    const comma = s.indexOf(',', a);
    const last = comma < 0;
    genericPiece(st, s, a, last ? n : comma, last, rec);
    fields += st.pieceFields;
    hints |= st.pieceHints;
    if (st.pieceCut) cut = true;
    if (last) break;
    pos = comma + 1;
  }
  st.tailFields = fields;
  st.tailCut = cut;
  st.tailHints = hints;
}

const FIELD_HINT = [
  0,
  LineHint.LEARNING_RATE,
  LineHint.IT_PER_SEC,
  0,
  LineHint.TRAINED_TOKENS,
  LineHint.PEAK_MEM,
  0,
  LineHint.ORPO_FIELDS,
  LineHint.GRPO_FIELDS,
];

/** Upstream field names followed by a space; sets st.nameEnd to the value start. */
function knownField(st: LineScratch, s: string, a: number): number {
  switch (s.charCodeAt(a)) {
    case 76: // L
      if (s.startsWith('Learning Rate ', a)) {
        st.nameEnd = a + 14;
        return F_LR;
      }
      return F_UNKNOWN;
    case 73: // I
      if (s.startsWith('It/sec ', a)) {
        st.nameEnd = a + 7;
        return F_IT_SEC;
      }
      return F_UNKNOWN;
    case 84: // T
      if (s.startsWith('Tokens/sec ', a)) {
        st.nameEnd = a + 11;
        return F_TOK_SEC;
      }
      if (s.startsWith('Trained Tokens ', a)) {
        st.nameEnd = a + 15;
        return F_TRAINED;
      }
      return F_UNKNOWN;
    case 80: // P
      if (s.startsWith('Peak mem ', a)) {
        st.nameEnd = a + 9;
        return F_PEAK;
      }
      return F_UNKNOWN;
    case 86: // V
      if (s.startsWith('Val took ', a)) {
        st.nameEnd = a + 9;
        return F_VAL_TOOK;
      }
      return F_UNKNOWN;
    // mlx-lm-lora's lower-case names (§3.7).
    case 108: // l
      if (s.startsWith('lr ', a)) {
        st.nameEnd = a + 3;
        return F_LR;
      }
      return F_UNKNOWN;
    case 105: // i
      if (s.startsWith('it/s ', a)) {
        st.nameEnd = a + 5;
        return F_IT_SEC;
      }
      return F_UNKNOWN;
    case 116: // t
      if (s.startsWith('tok/s ', a)) {
        st.nameEnd = a + 6;
        return F_TOK_SEC;
      }
      if (s.startsWith('trained_tok ', a)) {
        st.nameEnd = a + 12;
        return F_TRAINED;
      }
      return F_UNKNOWN;
    case 112: // p
      if (s.startsWith('peak_mem ', a)) {
        st.nameEnd = a + 9;
        return F_PEAK;
      }
      return F_UNKNOWN;
  }
  return F_UNKNOWN;
}

function assignField(rec: MetricRecord, field: number, value: number | null): void {
  switch (field) {
    case F_LR:
      rec.learning_rate = value;
      break;
    case F_IT_SEC:
      rec.it_per_sec = value;
      break;
    case F_TOK_SEC:
      rec.tokens_per_sec = value;
      break;
    case F_TRAINED:
      rec.trained_tokens = value;
      break;
    case F_PEAK:
      rec.peak_mem_gb = value;
      break;
    case F_VAL_TOOK:
      rec.val_time_s = value;
      break;
  }
}

/** One piece s[a, b) of any shape: the value is the number at its end, the name what precedes it. */
function genericPiece(st: LineScratch, s: string, a: number, b: number, last: boolean, rec: MetricRecord): void {
  st.pieceFields = 0;
  st.pieceHints = 0;
  st.pieceCut = false;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) {
    // `,,` in the middle: ignore; at the end: cut.
    st.pieceCut = last;
    return;
  }
  let unit = U_NONE;
  let vb = b;
  if (b - a >= 2 && s.charCodeAt(b - 1) === 66 /* B */ && s.charCodeAt(b - 2) === 71 /* G */) {
    unit = U_GB;
    vb = b - 2;
  } else if (s.charCodeAt(b - 1) === 115 /* s */ && b - 2 >= a && isDigit(s.charCodeAt(b - 2))) {
    unit = U_S;
    vb = b - 1;
  }
  while (vb > a && isSpace(s.charCodeAt(vb - 1))) vb--;
  let va = vb;
  let value: number | null | undefined;
  if (vb - a >= 3 && (s.startsWith('nan', vb - 3) || s.startsWith('inf', vb - 3))) {
    va = vb - 3;
    const c = s.charCodeAt(va - 1);
    if (va > a && (c === 45 || c === 43)) va--;
    value = null;
  } else {
    while (va > a && isNumberChar(s.charCodeAt(va - 1))) va--;
    // `Rate2.0e-05`-style damage: an exponent letter cannot start a number.
    while (va < vb && !isNumberStart(s.charCodeAt(va))) va++;
    value = va < vb ? parseNumber(st, s, va, vb) : undefined;
  }
  let ne = va;
  while (ne > a && isSpace(s.charCodeAt(ne - 1))) ne--;
  const field = classifyName(s, a, ne);
  st.pieceHints = FIELD_HINT[field] as number;
  if (value === undefined) {
    // A name without its value: the line stops inside this field (or the field is damaged).
    st.pieceCut = last;
  } else if (last && ((field === F_PEAK && unit !== U_GB) || (field === F_VAL_TOOK && unit !== U_S))) {
    st.pieceCut = true;
  } else {
    st.pieceFields = 1;
    assignField(rec, field, value);
    // Fork and other-trainer fields (rewards, accuracy, margin, KL, …) are kept by name.
    if (field === F_UNKNOWN || field === F_ORPO || field === F_GRPO) addExtra(rec, s.slice(a, ne), value);
  }
}

export function addExtra(rec: MetricRecord, rawName: string, value: number | null): void {
  const name = extraMetricName(rawName);
  if (name === null) return;
  (rec.extra ??= {})[name] = value;
}

/** Printed synonyms of one quantity, so `where name = 'margin'` finds every trainer's margin. */
const EXTRA_ALIASES: Record<string, string> = {
  chosen_r: 'chosen_reward',
  rejected_r: 'rejected_reward',
  acc: 'accuracy',
  kl_divergence: 'kl',
  grad: 'grad_norm',
  ppl: 'perplexity',
};

/**
 * The `metric_values.name` of a printed field: `Val margin` → `margin` (the split says val),
 * `Chosen reward` → `chosen_reward`, `chosen_r` → `chosen_reward`, `r1_count_xml mean` →
 * `r1_count_xml_mean`. Null for text that is not a field name (damage, prose).
 */
export function extraMetricName(raw: string): string | null {
  let t = raw.trim();
  if (/^val[ _]/i.test(t)) t = t.slice(4);
  if (!/^[A-Za-z\u03bc\u03c3][\w /().\u03bc\u03c3-]{0,47}$/.test(t)) return null;
  const name = t
    .replace(/\u03bc/g, 'mean')
    .replace(/\u03c3/g, 'std')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return null;
  return EXTRA_ALIASES[name] ?? name;
}

function classifyName(s: string, a: number, b: number): number {
  const len = b - a;
  if (len <= 0) return F_UNKNOWN;
  switch (s.charCodeAt(a)) {
    case 76: // L
      return len === 13 && s.startsWith('Learning Rate', a) ? F_LR : F_UNKNOWN;
    case 73: // I
      return len === 6 && s.startsWith('It/sec', a) ? F_IT_SEC : F_UNKNOWN;
    case 84: // T
      if (len === 10 && s.startsWith('Tokens/sec', a)) return F_TOK_SEC;
      if (len === 14 && s.startsWith('Trained Tokens', a)) return F_TRAINED;
      return s.startsWith('Total rewards', a) ? F_GRPO : F_UNKNOWN;
    case 80: // P: `Peak mem`, and the mangled `Peak` / `Peak33.1` forms
    case 112: // p
      return s.startsWith('Peak', a) || s.startsWith('peak', a) ? F_PEAK : F_UNKNOWN;
    case 108: // l
      return len === 2 && s.startsWith('lr', a) ? F_LR : F_UNKNOWN;
    case 105: // i
      return len === 4 && s.startsWith('it/s', a) ? F_IT_SEC : F_UNKNOWN;
    case 116: // t
      if (len === 5 && s.startsWith('tok/s', a)) return F_TOK_SEC;
      return len === 11 && s.startsWith('trained_tok', a) ? F_TRAINED : F_UNKNOWN;
    case 86: // V
      if (len === 8 && s.startsWith('Val took', a)) return F_VAL_TOOK;
      if (
        s.startsWith('Val chosen', a) ||
        s.startsWith('Val rejected', a) ||
        s.startsWith('Val accuracy', a) ||
        s.startsWith('Val margin', a)
      ) {
        return F_ORPO;
      }
      if (s.startsWith('Val total_rewards', a) || s.startsWith('Val grouped_rewards', a) || s.startsWith('Val kl', a)) {
        return F_GRPO;
      }
      return F_UNKNOWN;
    case 67: // C
      return s.startsWith('Chosen reward', a) ? F_ORPO : F_UNKNOWN;
    case 82: // R
      return s.startsWith('Rejected reward', a) ? F_ORPO : F_UNKNOWN;
    case 65: // A
      return len === 8 && s.startsWith('Accuracy', a) ? F_ORPO : F_UNKNOWN;
    case 77: // M
      return len === 6 && s.startsWith('Margin', a) ? F_ORPO : F_UNKNOWN;
    case 75: // K
      return len === 2 && s.startsWith('KL', a) ? F_GRPO : F_UNKNOWN;
    case 71: // G
      return s.startsWith('Grouped rewards', a) ? F_GRPO : F_UNKNOWN;
  }
  return F_UNKNOWN;
}
