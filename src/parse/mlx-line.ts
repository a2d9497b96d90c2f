// One console line of `mlx_lm.lora` (every era), `lora.py` and the look-alike fork trainers → a
// typed value, or null for anything else. Pure and allocation-light: the indexer runs it on
// millions of lines, so every branch starts with a cheap indexOf test, the upstream metric tails
// go through one sticky regex each, and numbers are scanned by hand (Number() is slower here).
// Formats: shared/mlx-lm-formats.md §3; counting rules: tests/fixtures/mlx-logs/README.md.
import type { CheckpointRecord, LogFormat, MetricRecord } from '../core/records.js';

/** Evidence bits carried by metric and checkpoint lines (used by the parser to name the era). */
export const LineHint = {
  LEARNING_RATE: 1 << 0,
  TRAINED_TOKENS: 1 << 1,
  PEAK_MEM: 1 << 2,
  IT_PER_SEC: 1 << 3,
  /** `Chosen reward`, `Rejected reward`, `Accuracy`, `Margin` (ORPO/DPO branches). */
  ORPO_FIELDS: 1 << 4,
  /** `Total rewards mean`, `Grouped rewards …`, `KL`, `Val kl` (GRPO branch). */
  GRPO_FIELDS: 1 << 5,
  /** instructlab's `Epoch E: Iter …` prefix. */
  EPOCH_PREFIX: 1 << 6,
  /** `Iter 040` (instructlab). */
  ZERO_PADDED: 1 << 7,
  /** `Saved adapter weights to A and B.` (mlx_lm 0.6+). */
  TWO_PATHS: 1 << 8,
  SAFETENSORS: 1 << 9,
  NPZ: 1 << 10,
  /** `…checkpoints/N_adapters.npz` (mlx_lm ≈0.0.10–0.5). */
  NPZ_CHECKPOINT_DIR: 1 << 11,
  /** A row of the rich table UI (unreleased mlx-lm main). */
  RICH_UI: 1 << 12,
  /** mlx-lm-lora's own wording: `Iter N: loss X, lr …, it/s …, tok/s …, trained_tok …, peak_mem …GB`. */
  LORA_PKG: 1 << 13,
  /** mlx-vlm: a train loss printed with 8 decimals, or `Starting training..., iterations: N`. */
  MLX_VLM: 1 << 14,
  /** unsloth's MLX trainer: `Step a/b | Loss: …`, `Eval a/b | Val Loss: …`, `Saved checkpoint to …`. */
  UNSLOTH: 1 << 15,
} as const;

export type ParsedLine =
  /** train / val / test result. `fields`: tail pieces that carried a value; `cut`: the line visibly stops inside a field. */
  | { type: 'metric'; record: MetricRecord; fields: number; cut: boolean; hints: number }
  /** `Iter N: Saved adapter weights to …` or rich `save  NNNNNNN_adapters.safetensors`. */
  | { type: 'checkpoint'; record: CheckpointRecord; cut: boolean; hints: number }
  /** `Saved final weights to F.` (0.19+) / `Saved final adapter weights to F.` (≤0.18): an end marker, not a checkpoint. */
  | { type: 'final_save'; file: string | null; adapter: boolean; cut: boolean; hints: number }
  /** `Starting [ORPO|GRPO|DPO ]training[ with K reward functions]..., iters: N` (mlx-vlm: `iterations: N`). */
  | { type: 'start'; trainer: string | null; iters: number; vlm?: boolean }
  /** A bare `Iter N:`: the head of mlx-lm-lora's multi-line GRPO report (`Loss: …` etc. follow). */
  | { type: 'block_iter'; iter: number }
  /** mlx-lm-lora's `Test Results:` head (`Loss: …`, `Perplexity: …` lines follow). */
  | { type: 'test_block' }
  /** `Trainable parameters: P% (aM/bM)` (percent) or lora.py's `Total parameters bM` / `Trainable parameters aM`. */
  | { type: 'params'; trainable_m: number | null; total_m: number | null; percent: boolean }
  /** `Loading fine-tuned weights from F` (0.19+) / `Loading pretrained adapters from F` (lora.py, mlx_lm ≤0.18). */
  | { type: 'resume'; file: string; fine_tuned: boolean }
  | { type: 'node'; rank: number; world_size: number }
  /** Rich UI table header or header panel (`iters` from its `batch · iters` row). */
  | { type: 'rich_header'; iters: number | null }
  /** Rich UI `train ███ P% · done/total` bar (printed once: at the end, or where a crash left it). */
  | { type: 'rich_bar'; percent: number; done: number; total: number }
  | { type: 'traceback' }
  | { type: 'keyboard_interrupt' }
  /** `libc++abi: terminating …`, or a shell job line reporting abort / killed / segfault. */
  | { type: 'abort' }
  /** A line only one era prints (deprecation notice, `Calculating loss...` bar, `Training in orpo mode`, …). */
  | { type: 'era_hint'; format: LogFormat };

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Removes ANSI CSI sequences; returns the argument itself when it has no ESC (the usual case). */
export function stripAnsi(s: string): string {
  return s.indexOf('\x1b') < 0 ? s : s.replace(ANSI, '');
}

/**
 * Parses one text segment (a line already split on `\n` and `\r`). A trailing `\r` and ANSI
 * escapes are tolerated. Never throws.
 */
export function parseMlxLine(line: string): ParsedLine | null {
  let s = stripAnsi(line);
  if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  return parseCleanSegment(s);
}

/** parseMlxLine without the cleaning: the caller has stripped ANSI and `\r` already. */
export function parseCleanSegment(s: string): ParsedLine | null {
  if (s.length < 4) return null;
  // Hot path first: classic `Iter N: …` lines are nearly every line of a big log.
  if (s.indexOf('Iter ') >= 0) {
    const r = parseIterLine(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Test loss ') >= 0) {
    const r = parseTestLine(s);
    if (r !== null) return r;
  }
  if (s.indexOf(' | ') >= 0) {
    const r = parseUnslothLine(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Test Results:') >= 0 && TEST_BLOCK.test(s)) return { type: 'test_block' };
  // Rich UI rows: the arrow is the cheapest discriminator of a train row.
  if (s.indexOf('\u25BC') >= 0 || s.indexOf('\u25B2') >= 0) {
    const r = parseRichTrain(s);
    if (r !== null) return r;
  }
  if (s.indexOf(' val ') >= 0) {
    const r = parseRichVal(s);
    if (r !== null) return r;
  }
  if (s.indexOf('save') >= 0) {
    const r = parseRichSave(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Saved ') >= 0) {
    const r = parseFinalSave(s) ?? parseUnslothSave(s);
    if (r !== null) return r;
  }
  if (s.indexOf('iters: ') >= 0 || s.indexOf('iterations: ') >= 0) {
    const m = START.exec(s);
    if (m !== null) {
      const vlm = m[2] === 'iterations';
      return vlm
        ? { type: 'start', trainer: m[1] ?? null, iters: Number(m[3]), vlm }
        : { type: 'start', trainer: m[1] ?? null, iters: Number(m[3]) };
    }
  }
  if (s.indexOf('[INFO] Calculated ') >= 0 && LORA_PKG_EPOCHS.test(s))
    return { type: 'era_hint', format: 'mlx-lm-lora' };
  if (s.indexOf('parameters') >= 0) {
    const r = parseParams(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Loading ') >= 0) {
    const m = RESUME.exec(s);
    if (m !== null && m[2] !== undefined) {
      return { type: 'resume', file: m[2], fine_tuned: m[1] === 'fine-tuned weights' };
    }
  }
  if (s.indexOf('Node ') >= 0) {
    const m = NODE.exec(s);
    if (m !== null) return { type: 'node', rank: Number(m[1]), world_size: Number(m[2]) };
  }
  if (s.indexOf('Traceback (most recent call last)') >= 0) return { type: 'traceback' };
  if (s.indexOf('KeyboardInterrupt') >= 0 && KEYBOARD_INTERRUPT.test(s)) {
    return { type: 'keyboard_interrupt' };
  }
  if (s.indexOf('libc++abi: terminating') >= 0) return { type: 'abort' };
  if ((s.indexOf('bort') >= 0 || s.indexOf('illed') >= 0 || s.indexOf('fault') >= 0) && SHELL_DEATH.test(s)) {
    return { type: 'abort' };
  }
  if (s.indexOf('train') >= 0) {
    const r = parseRichBarOrHeader(s);
    if (r !== null) return r;
  }
  if (s.indexOf('\u256D') >= 0 && s.indexOf('mlx_lm.lora') >= 0) return { type: 'rich_header', iters: null };
  if (s.indexOf('batch \u00B7 iters') >= 0) {
    const m = PANEL_ITERS.exec(s);
    if (m !== null && m[1] !== undefined) return { type: 'rich_header', iters: Number(m[1].replace(/,/g, '')) };
  }
  if (s.indexOf('Calculating loss...') >= 0) return { type: 'era_hint', format: 'mlx_lm-0.19+' };
  if (s.indexOf('directly is deprecated') >= 0 && s.indexOf('mlx_lm.lora') >= 0) {
    return { type: 'era_hint', format: 'mlx_lm-0.19+' };
  }
  if (s.indexOf('Validation set not found or empty') >= 0) return { type: 'era_hint', format: 'mlx_lm-0.19+' };
  if (s.indexOf('Training in ') >= 0 && /Training in (?:orpo|dpo) mode/i.test(s)) {
    return { type: 'era_hint', format: 'fork-orpo' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Classic `Iter N: …` lines

const HEAD_TRAIN = 'Train loss ';
const HEAD_VAL = 'Val loss ';
const HEAD_SAVE = 'Saved adapter weights to';
/** mlx-lm-lora's train head (`Iter N: loss X, lr …`; FTPO `loss X.XXXX, chosen_win …`). */
const HEAD_LOSS = 'loss ';

function parseIterLine(s: string): ParsedLine | null {
  // Not anchored: timestamps, `[rank0] `, `Epoch 1: ` may precede; an earlier `Iter ` that is not a
  // head (e.g. inside a prefix) must not hide the real one, hence the loop.
  let i = s.indexOf('Iter ');
  while (i >= 0) {
    const r = parseAfterIter(s, i);
    if (r !== null) return r;
    i = s.indexOf('Iter ', i + 5);
  }
  return null;
}

function parseAfterIter(s: string, i: number): ParsedLine | null {
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
    const r = parseMetric(s, 'train', iter, j + HEAD_TRAIN.length, hints);
    // mlx-vlm prints the train loss with 8 decimals (`{train_loss:.8f}`); mlx-lm never more than 3.
    if (r !== null && r.type === 'metric' && decimalsBeforeComma(s, j + HEAD_TRAIN.length) >= 6)
      r.hints |= LineHint.MLX_VLM;
    return r;
  }
  if (s.startsWith(HEAD_VAL, j)) return parseMetric(s, 'val', iter, j + HEAD_VAL.length, hints);
  if (s.startsWith(HEAD_SAVE, j)) return parseSave(s, iter, j + HEAD_SAVE.length, hints);
  if (s.startsWith(HEAD_LOSS, j)) return parseMetric(s, 'train', iter, j + HEAD_LOSS.length, hints | LineHint.LORA_PKG);
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

function newMetric(split: 'train' | 'val' | 'test', iter: number | null, loss: number | null): MetricRecord {
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

function parseMetric(s: string, split: 'train' | 'val', iter: number, q: number, hints: number): ParsedLine | null {
  // The comma after the loss proves the loss is complete (README rule 3).
  const comma = s.indexOf(',', q);
  if (comma < 0) return null;
  const loss = parseNumber(s, q, comma);
  if (loss === undefined) return null;
  const record = newMetric(split, iter, loss);
  if (split === 'train' ? !standardTrainTail(s, comma + 1, record) : !standardValTail(s, comma + 1, record)) {
    parseTail(s, comma + 1, record);
  }
  return { type: 'metric', record, fields: tailFields, cut: tailCut, hints: hints | tailHints };
}

// Upstream train lines (formats C/D of mlx_lm, A/B of lora.py and early mlx_lm) are nearly every
// line of a big log: one native regex pass beats the hand scan of parseTail(); any deviation
// (fork fields, damage, a cut-off tail) falls back to it.
const TAIL_MLX =
  /\s*Learning Rate ([^,]*), It\/sec ([^,]*), Tokens\/sec ([^,]*), Trained Tokens ([^,]*)(?:, Peak mem ([^,]*) GB)?\s*$/y;
const TAIL_LORAPY = /\s*It\/sec ([^,]*), Tokens\/sec ([^,]*)(?:, Trained Tokens ([^,]*))?\s*$/y;
const TAIL_VAL = /\s*Val took ([^,]*)s\s*$/y;

function standardTrainTail(s: string, from: number, rec: MetricRecord): boolean {
  TAIL_MLX.lastIndex = from;
  let m = TAIL_MLX.exec(s);
  if (m !== null) {
    const lr = numberOrUndefined(m[1]);
    const its = numberOrUndefined(m[2]);
    const tps = numberOrUndefined(m[3]);
    const tt = numberOrUndefined(m[4]);
    const peak = m[5] === undefined ? null : numberOrUndefined(m[5]);
    if (lr === undefined || its === undefined || tps === undefined || tt === undefined || peak === undefined) {
      return false;
    }
    rec.learning_rate = lr;
    rec.it_per_sec = its;
    rec.tokens_per_sec = tps;
    rec.trained_tokens = tt;
    rec.peak_mem_gb = peak;
    const withPeak = m[5] !== undefined;
    tailFields = withPeak ? 5 : 4;
    tailCut = false;
    tailHints =
      LineHint.LEARNING_RATE | LineHint.IT_PER_SEC | LineHint.TRAINED_TOKENS | (withPeak ? LineHint.PEAK_MEM : 0);
    return true;
  }
  TAIL_LORAPY.lastIndex = from;
  m = TAIL_LORAPY.exec(s);
  if (m === null) return false;
  const its = numberOrUndefined(m[1]);
  const tps = numberOrUndefined(m[2]);
  const tt = m[3] === undefined ? null : numberOrUndefined(m[3]);
  if (its === undefined || tps === undefined || tt === undefined) return false;
  rec.it_per_sec = its;
  rec.tokens_per_sec = tps;
  rec.trained_tokens = tt;
  const withTokens = m[3] !== undefined;
  tailFields = withTokens ? 3 : 2;
  tailCut = false;
  tailHints = LineHint.IT_PER_SEC | (withTokens ? LineHint.TRAINED_TOKENS : 0);
  return true;
}

function standardValTail(s: string, from: number, rec: MetricRecord): boolean {
  TAIL_VAL.lastIndex = from;
  const m = TAIL_VAL.exec(s);
  if (m === null) return false;
  const t = numberOrUndefined(m[1]);
  if (t === undefined) return false;
  rec.val_time_s = t;
  tailFields = 1;
  tailCut = false;
  tailHints = 0;
  return true;
}

function numberOrUndefined(token: string | undefined): number | null | undefined {
  return token === undefined ? undefined : parseNumber(token, 0, token.length);
}

// Results of parseTail: module-level scratch instead of a result object per line (hot path).
let tailFields = 0;
let tailCut = false;
let tailHints = 0;

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
function parseTail(s: string, from: number, rec: MetricRecord): void {
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
    const field = knownField(s, a);
    if (field !== F_UNKNOWN) {
      const value = scanNumber(s, knownNameEnd, n);
      if (value !== undefined) {
        let k = scannedEnd;
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
    genericPiece(s, a, last ? n : comma, last, rec);
    fields += pieceFields;
    hints |= pieceHints;
    if (pieceCut) cut = true;
    if (last) break;
    pos = comma + 1;
  }
  tailFields = fields;
  tailCut = cut;
  tailHints = hints;
}

// Scratch results (hot path, no per-call objects).
let knownNameEnd = 0;
let scannedEnd = 0;
let pieceFields = 0;
let pieceHints = 0;
let pieceCut = false;

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

/** Upstream field names followed by a space; sets knownNameEnd to the value start. */
function knownField(s: string, a: number): number {
  switch (s.charCodeAt(a)) {
    case 76: // L
      if (s.startsWith('Learning Rate ', a)) {
        knownNameEnd = a + 14;
        return F_LR;
      }
      return F_UNKNOWN;
    case 73: // I
      if (s.startsWith('It/sec ', a)) {
        knownNameEnd = a + 7;
        return F_IT_SEC;
      }
      return F_UNKNOWN;
    case 84: // T
      if (s.startsWith('Tokens/sec ', a)) {
        knownNameEnd = a + 11;
        return F_TOK_SEC;
      }
      if (s.startsWith('Trained Tokens ', a)) {
        knownNameEnd = a + 15;
        return F_TRAINED;
      }
      return F_UNKNOWN;
    case 80: // P
      if (s.startsWith('Peak mem ', a)) {
        knownNameEnd = a + 9;
        return F_PEAK;
      }
      return F_UNKNOWN;
    case 86: // V
      if (s.startsWith('Val took ', a)) {
        knownNameEnd = a + 9;
        return F_VAL_TOOK;
      }
      return F_UNKNOWN;
    // mlx-lm-lora's lower-case names (§3.7).
    case 108: // l
      if (s.startsWith('lr ', a)) {
        knownNameEnd = a + 3;
        return F_LR;
      }
      return F_UNKNOWN;
    case 105: // i
      if (s.startsWith('it/s ', a)) {
        knownNameEnd = a + 5;
        return F_IT_SEC;
      }
      return F_UNKNOWN;
    case 116: // t
      if (s.startsWith('tok/s ', a)) {
        knownNameEnd = a + 6;
        return F_TOK_SEC;
      }
      if (s.startsWith('trained_tok ', a)) {
        knownNameEnd = a + 12;
        return F_TRAINED;
      }
      return F_UNKNOWN;
    case 112: // p
      if (s.startsWith('peak_mem ', a)) {
        knownNameEnd = a + 9;
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
function genericPiece(s: string, a: number, b: number, last: boolean, rec: MetricRecord): void {
  pieceFields = 0;
  pieceHints = 0;
  pieceCut = false;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) {
    // `,,` in the middle: ignore; at the end: cut.
    pieceCut = last;
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
    value = va < vb ? parseNumber(s, va, vb) : undefined;
  }
  let ne = va;
  while (ne > a && isSpace(s.charCodeAt(ne - 1))) ne--;
  const field = classifyName(s, a, ne);
  pieceHints = FIELD_HINT[field] as number;
  if (value === undefined) {
    // A name without its value: the line stops inside this field (or the field is damaged).
    pieceCut = last;
  } else if (last && ((field === F_PEAK && unit !== U_GB) || (field === F_VAL_TOOK && unit !== U_S))) {
    pieceCut = true;
  } else {
    pieceFields = 1;
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
  if (!/^[A-Za-z\u03bc\u03c3][\w \/().\u03bc\u03c3-]{0,47}$/.test(t)) return null;
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

function parseSave(s: string, iter: number, q: number, hints: number): ParsedLine {
  // Counted as soon as the head is present (README rule 11); the path needs the final `.`.
  let b = s.length;
  while (b > q && isSpace(s.charCodeAt(b - 1))) b--;
  let file: string | null = null;
  let cut = true;
  if (b > q && s.charCodeAt(q) === 32) {
    const text = s.slice(q + 1, b);
    if (text.indexOf(' and ') >= 0) hints |= LineHint.TWO_PATHS;
    if (text.indexOf('.safetensors') >= 0) hints |= LineHint.SAFETENSORS;
    if (text.indexOf('.npz') >= 0) {
      hints |= LineHint.NPZ;
      if (NPZ_CHECKPOINT.test(text)) hints |= LineHint.NPZ_CHECKPOINT_DIR;
    }
    if (text.endsWith('.') && text.length > 1) {
      file = checkpointPath(text.slice(0, -1));
      // `…/0000016_adapters.` is a line cut right after a dot inside the name, not the end.
      if (file !== null && !completeFileName(file)) file = null;
      cut = file === null;
    }
  }
  return { type: 'checkpoint', record: { kind: 'checkpoint', iter, file, segment: 0 }, cut, hints };
}

/**
 * The checkpoint of `A and B` (0.6+) or the only path. Paths may contain spaces and even ` and `:
 * split on the last ` and ` whose two sides share a directory (mlx_lm writes both files into the
 * adapter path), else on the last ` and `.
 */
function checkpointPath(paths: string): string | null {
  const last = paths.lastIndexOf(' and ');
  if (last < 0) return paths === '' ? null : paths;
  for (let k = last; k >= 0; k = k === 0 ? -1 : paths.lastIndexOf(' and ', k - 1)) {
    const left = paths.slice(0, k);
    const right = paths.slice(k + 5);
    if (right !== '' && dirname(left) === dirname(right)) return right;
  }
  const right = paths.slice(last + 5);
  return right === '' ? null : right;
}

/** Adapter files end in .safetensors or .npz; other names need an extension that is not a prefix of those. */
function completeFileName(path: string): boolean {
  if (path.endsWith('.safetensors') || path.endsWith('.npz')) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return false;
  const ext = base.slice(dot);
  return !('.safetensors'.startsWith(ext) || '.npz'.startsWith(ext));
}

function dirname(path: string): string {
  const k = path.lastIndexOf('/');
  return k < 0 ? '' : path.slice(0, k);
}

const NPZ_CHECKPOINT = /(?:^|[/ ])checkpoints\/\d+_[^/]*\.npz|(?:^|\/)\d+_[^/ ]*\.npz/;

// ---------------------------------------------------------------------------------------------
// Other classic lines

function parseTestLine(s: string): ParsedLine | null {
  const t = s.indexOf('Test loss ');
  const q = t + 10;
  const comma = s.indexOf(',', q);
  if (comma < 0) return null;
  const loss = parseNumber(s, q, comma);
  if (loss === undefined || !s.startsWith(' Test ppl ', comma + 1)) return null;
  const r = comma + 11;
  let e = s.length;
  while (e > r && isSpace(s.charCodeAt(e - 1))) e--;
  const ppl = scanNumber(s, r, e);
  if (ppl === undefined) return null;
  const end = scannedEnd;
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

// ---------------------------------------------------------------------------------------------
// unsloth on MLX (§3.7): `  Step a/b | Loss: X | [Grad: g | ]LR: lr | Tok/s: t | Peak: m GB`,
// `  Eval  a/b | Val Loss: X | Perplexity: p`, `  Saved checkpoint to DIR/checkpoint-N`.

const UNSLOTH_HEAD = /(?:^|\s)(Step|Eval)\s+(\d{1,15})\/(\d{1,15}) \| /;
const UNSLOTH_PIECE = /^\s*([A-Za-z][\w /]*?):\s*(\S+?)\s*(GB)?\s*$/;
const UNSLOTH_SAVE = /(?:^|\s)Saved checkpoint to (.*?checkpoint-(\d{1,15}))\/?\s*$/;
const UNSLOTH_FINAL = /Unsloth: Saved final adapters to (\S.*?)\s*$/;

function parseUnslothLine(s: string): ParsedLine | null {
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
    const value = p === null ? undefined : numberOrUndefined(p[2]);
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

function parseUnslothSave(s: string): ParsedLine | null {
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

// ---------------------------------------------------------------------------------------------
// `Label: value` lines inside mlx-lm-lora's multi-line blocks (GRPO report, `Test Results:`)

const LABELED = /^\s*([A-Za-z][A-Za-z0-9 _()/-]{0,40}?):\s*(\S.*?)\s*$/;
const PAIR_VALUE = /^\s*([^\s=,]+)\s*=\s*(\S+?)\s*$/;

/** One `Label: value` line of a block: its label and the numbers it carries (by sub-name). */
export interface LabeledLine {
  label: string;
  /** A single number (unit `GB`/`s` dropped), or null when the value is `k=v` pairs or text. */
  value: number | null | undefined;
  /** `μ=0.5, σ=0.1` / `low=0, high=1` pairs (sub-name → value); `Speed: 0.1 it/s, 12.0 tok/s` as it/s, tok/s. */
  pairs: Array<[string, number | null]>;
}

/** Parses a line of a block; null when it is not a `Label: value` line. */
export function parseLabeledLine(line: string): LabeledLine | null {
  const s = stripAnsi(line);
  const m = LABELED.exec(s);
  if (m === null) return null;
  const label = m[1] ?? '';
  const text = m[2] ?? '';
  const single = /^([-+]?[\d.]+(?:[eE][-+]?\d+)?|nan|inf|-inf)\s*(?:GB|s)?$/.exec(text);
  if (single !== null) return { label, value: numberOrUndefined(single[1]), pairs: [] };
  const pairs: Array<[string, number | null]> = [];
  for (const piece of text.split(',')) {
    const p = PAIR_VALUE.exec(piece);
    if (p !== null) {
      const v = numberOrUndefined(p[2]);
      if (v !== undefined) pairs.push([p[1] ?? '', v]);
      continue;
    }
    // `0.123 it/s` / `45.6 tok/s`: the unit names the value.
    const u = /^\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?|nan|inf)\s+([A-Za-z/]+)\s*$/.exec(piece);
    if (u !== null) {
      const v = numberOrUndefined(u[1]);
      if (v !== undefined) pairs.push([u[2] ?? '', v]);
    }
  }
  return { label, value: undefined, pairs };
}

function parseFinalSave(s: string): ParsedLine | null {
  const m = FINAL.exec(s);
  if (m === null) return null;
  const adapter = m[1] === 'adapter ';
  if (m[1] === 'full model ') {
    const rest = (m[2] ?? '').trim();
    const complete = rest.length > 1 && rest.endsWith('.');
    return { type: 'final_save', file: complete ? rest.slice(0, -1) : null, adapter: true, cut: !complete, hints: 0 };
  }
  const rest = (m[2] ?? '').trim();
  const complete = rest.length > 1 && rest.endsWith('.') && completeFileName(rest.slice(0, -1));
  let hints = 0;
  if (rest.indexOf('.safetensors') >= 0) hints |= LineHint.SAFETENSORS;
  if (rest.indexOf('.npz') >= 0) hints |= LineHint.NPZ;
  return { type: 'final_save', file: complete ? rest.slice(0, -1) : null, adapter, cut: !complete, hints };
}

// `adapter` (≤0.18, mlx-vlm), none (0.19+), `full model` (the full-fine-tune branch of 2024).
const FINAL = /Saved final (adapter |full model )?weights to(.*)$/;
const START = /Starting (?:(\w+) )?training(?: with \d+ reward functions)?\.\.\., (iters|iterations): (\d{1,15})/;
const TEST_BLOCK = /^\s*Test Results:\s*$/;
const LORA_PKG_EPOCHS = /\[INFO\] Calculated \d+ iterations from \d+ epochs/;
const PARAMS_PERCENT = /Trainable parameters: ([\d.]+)% \(([\d.]+)M\/([\d.]+)M\)/;
const LORAPY_PARAMS = /(Total|Trainable) parameters ([\d.]+)M/;
const RESUME = /Loading (pretrained adapters|fine-tuned weights) from (\S.*?)\s*$/;
const NODE = /(?:^|\s)Node (\d{1,9}) of (\d{1,9})\s*$/;
const KEYBOARD_INTERRUPT = /^\s*(?:\^C)?KeyboardInterrupt\s*$/;
const SHELL_DEATH =
  /^\s*(?:(?:zsh|bash|sh|ksh|dash|fish)(?:: line \d+)?:\s+(?:\d+\s+)?(?:abort|killed|segmentation fault)\b|\[\d+\]\s*[+-]?\s+(?:\d+\s+)?(?:abort|killed|aborted|segmentation fault)\b|(?:killed|aborted|abort trap|segmentation fault)(?::\s*\d+)?(?:\s*\(core dumped\))?\s*$)/i;

function parseParams(s: string): ParsedLine | null {
  const m = PARAMS_PERCENT.exec(s);
  if (m !== null) {
    return { type: 'params', trainable_m: finiteOrNull(m[2]), total_m: finiteOrNull(m[3]), percent: true };
  }
  const l = LORAPY_PARAMS.exec(s);
  if (l !== null) {
    const v = finiteOrNull(l[2]);
    return l[1] === 'Total'
      ? { type: 'params', trainable_m: null, total_m: v, percent: false }
      : { type: 'params', trainable_m: v, total_m: null, percent: false };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Rich table UI (after ANSI stripping; columns overflow, so split on whitespace, not on columns)

const NUM = String.raw`[-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|nan|inf)`;
const RICH_TRAIN = new RegExp(
  String.raw`^\s*(\d{1,15})\s+(${NUM})\s+[\u25BC\u25B2]\s+([\d,]+|nan|inf)\s+(${NUM})k\s*$`,
);
const RICH_VAL = new RegExp(String.raw`^\s*(\d{1,15})\s+val\s+(${NUM})\s+(${NUM})s\s*$`);
const RICH_SAVE = /^\s*save\s+((\d{1,15})_.*?)\s*$/;
const RICH_BAR = /^\s*train\s+\S*\s+(\d{1,3})%\s+\u00B7\s+(\d{1,3}(?:,\d{3})*|\d+)\/(\d{1,3}(?:,\d{3})*|\d+)\s*$/;
const PANEL_ITERS = /batch \u00B7 iters\s+\S+\s+\u00B7\s+([\d,]{1,20})/;

function parseRichTrain(s: string): ParsedLine | null {
  const m = RICH_TRAIN.exec(s);
  if (m === null) return null;
  const record = newMetric('train', Number(m[1]), numberOrNull(m[2]));
  record.tokens_per_sec = numberOrNull((m[3] ?? '').replace(/,/g, ''));
  const k = numberOrNull(m[4]);
  // `51.8k`: tokens are only known to 100; round away the float noise of ×1000.
  record.trained_tokens = k === null ? null : Math.round(k * 1000);
  return { type: 'metric', record, fields: 3, cut: false, hints: LineHint.RICH_UI };
}

function parseRichVal(s: string): ParsedLine | null {
  const m = RICH_VAL.exec(s);
  if (m === null) return null;
  const record = newMetric('val', Number(m[1]), numberOrNull(m[2]));
  record.val_time_s = numberOrNull(m[3]);
  return { type: 'metric', record, fields: 1, cut: false, hints: LineHint.RICH_UI };
}

function parseRichSave(s: string): ParsedLine | null {
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

function parseRichBarOrHeader(s: string): ParsedLine | null {
  if (s.indexOf('train_loss') >= 0 && s.indexOf('tok/s') >= 0) return { type: 'rich_header', iters: null };
  if (s.indexOf('%') < 0) return null;
  const m = RICH_BAR.exec(s);
  if (m === null) return null;
  const done = Number((m[2] ?? '').replace(/,/g, ''));
  const total = Number((m[3] ?? '').replace(/,/g, ''));
  return { type: 'rich_bar', percent: Number(m[1]), done, total };
}

// ---------------------------------------------------------------------------------------------
// Cut-off detection for the last line of a log (README rule 12.4); not on the hot path.

const FIXED_LINES = [
  'Iter ',
  'Test loss ',
  'Testing',
  'Training',
  'Loading pretrained model',
  'Loading datasets',
  'Saved final weights to ',
  'Saved final adapter weights to ',
  'Starting training..., iters: ',
  'Trainable parameters',
  'Calculating loss...',
  'KeyboardInterrupt',
  'Traceback (most recent call last):',
];

/**
 * Whether a segment looks like a line that stops mid-line: a record cut inside a field, a
 * fragment of a known line (`Ite`, `Iter 9`, `Iter 12: Val los`), a progress bar without its
 * end. `parsed` avoids parsing twice when the caller has the result already.
 */
export function looksCutOff(text: string, parsed: ParsedLine | null = parseMlxLine(text)): boolean {
  if (parsed !== null) {
    if (parsed.type === 'metric' || parsed.type === 'checkpoint' || parsed.type === 'final_save') return parsed.cut;
    if (parsed.type === 'rich_bar') return parsed.done > parsed.total || parsed.percent > 100;
  }
  let s = stripAnsi(text);
  let b = s.length;
  while (b > 0 && isSpace(s.charCodeAt(b - 1))) b--;
  let a = 0;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  if (a === b) return false;
  s = s.slice(a, b);
  if (isIterFragment(s)) return true;
  if (s.length >= 2) {
    for (const fixed of FIXED_LINES) {
      if (s.length < fixed.length && fixed.startsWith(s)) return true;
    }
  }
  if (s.indexOf('Test loss') >= 0) return true; // a complete test line would have parsed
  // tqdm bars end with `…it/s]`; `Fetching …` / `Calculating loss...` bars without it are cut.
  if (s.indexOf('%|') >= 0 || s.startsWith('Calculating loss') || /^Fetching \d+ files/.test(s)) {
    return !s.endsWith(']');
  }
  // Rich UI: partial final bar, partial rows.
  if (s.startsWith('train ') && /[\u2588\u2589\u258A\u258B\u258C\u258D\u258E\u258F\u2591]/.test(s)) return true;
  if (/^\d+\s+(?:\S+\s*[\u25BC\u25B2]|val\b)/.test(s) || /^\d+\s+[-\d.na]+$/.test(s)) return true;
  if (/^save(?:\s+\d*)?$/.test(s)) return true;
  return false;
}

function isIterFragment(s: string): boolean {
  const k = s.lastIndexOf('Iter');
  if (k < 0 || (k > 0 && isWordChar(s.charCodeAt(k - 1)))) return /(?:^|[^A-Za-z0-9_])Ite?$/.test(s);
  const m = /^(?: (\d*)(?:(:)\s*(.*))?)?$/.exec(s.slice(k + 4));
  if (m === null) return false;
  if (m[2] === undefined) return true; // `Iter`, `Iter 9`
  if (m[1] === '') return false;
  const body = m[3] ?? '';
  if (body === '') return true; // `Iter 12:`
  if (HEAD_TRAIN.startsWith(body) || HEAD_VAL.startsWith(body) || HEAD_SAVE.startsWith(body)) return true;
  // Head complete, loss without its comma (`Iter 12: Val loss 1.2`).
  return /^(?:Train|Val) loss [-+]?(?:[\d.]*(?:[eE][-+]?\d*)?|n(?:an?)?|i(?:nf?)?)$/.test(body);
}

// ---------------------------------------------------------------------------------------------
// Numbers and characters

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * A printed number in s[a, b): a value, null for nan/inf (README rule 5), undefined when the text
 * is not exactly a number.
 */
function parseNumber(s: string, a: number, b: number): number | null | undefined {
  const v = scanNumber(s, a, b);
  return scannedEnd === b ? v : undefined;
}

/**
 * Reads the number starting at s[i] (stopping at b or at the first character that cannot
 * continue it) and sets scannedEnd after it; undefined when no number starts there. Scanned by
 * hand because it runs for every field of every line (Number(string) is several times slower):
 * with at most 15 digits and |exponent| <= 22, one exact integer × or ÷ an exact power of ten is
 * correctly rounded, i.e. equal to Number(text); anything longer goes through Number().
 */
function scanNumber(s: string, i: number, b: number): number | null | undefined {
  // Every read is bounds-checked: an out-of-range charCodeAt returns NaN, which makes V8 fall
  // back to slower float code for the whole loop.
  const start = i;
  let c = i < b ? s.charCodeAt(i) : -1;
  const negative = c === 45;
  if (negative || c === 43) c = ++i < b ? s.charCodeAt(i) : -1;
  const intStart = i;
  let mantissa = 0;
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    c = ++i < b ? s.charCodeAt(i) : -1;
  }
  if (i === intStart) {
    if (i + 3 <= b && (s.startsWith('nan', i) || s.startsWith('inf', i))) {
      scannedEnd = i + 3;
      return null;
    }
    scannedEnd = start;
    return undefined;
  }
  let digits = i - intStart;
  let e10 = 0;
  if (c === 46 /* . */ && i + 1 < b) {
    const d = s.charCodeAt(i + 1);
    if (d >= 48 && d <= 57) {
      i++;
      c = d;
      const fracStart = i;
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        c = ++i < b ? s.charCodeAt(i) : -1;
      }
      digits += i - fracStart;
      e10 = fracStart - i;
    }
  }
  if ((c === 101 || c === 69) && i + 1 < b) {
    let k = i + 1;
    let d = s.charCodeAt(k);
    const expNegative = d === 45;
    if (expNegative || d === 43) d = ++k < b ? s.charCodeAt(k) : -1;
    const expStart = k;
    let exp = 0;
    while (d >= 48 && d <= 57) {
      if (exp < 100000) exp = exp * 10 + (d - 48);
      d = ++k < b ? s.charCodeAt(k) : -1;
    }
    if (k > expStart) {
      i = k;
      e10 += expNegative ? -exp : exp;
    }
  }
  scannedEnd = i;
  let v: number;
  if (digits <= 15 && e10 >= -22 && e10 <= 22) {
    v = e10 < 0 ? mantissa / (POW10[-e10] as number) : mantissa * (POW10[e10] as number);
  } else {
    v = Number(s.slice(intStart, i));
  }
  if (!Number.isFinite(v)) return null;
  return negative ? -v : v;
}

function numberOrNull(token: string | undefined): number | null {
  if (token === undefined) return null;
  const v = parseNumber(token, 0, token.length);
  return v === undefined ? null : v;
}

function finiteOrNull(token: string | undefined): number | null {
  const v = Number(token);
  return token !== undefined && token !== '' && Number.isFinite(v) ? v : null;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69;
}

function isNumberStart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
