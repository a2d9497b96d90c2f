// Streaming parser for a whole trainer log: bytes in (any chunking), LogRecords out, plus the
// header facts (era, outcome hint, iters, params, resume source, world size). `runs train` feeds
// it live and `runs index` feeds it files, so both read a log the same way.
// Memory: only the current partial line is kept (as byte chunks); the state is small and
// JSON-serialisable so an indexer can resume a growing log from `consumedBytes`.
import type { LogFacts, LogFormat, LogRecord, MetricRecord, OutcomeHint } from '../core/records.js';
import {
  addExtra,
  LineHint,
  looksCutOff,
  newLineScratch,
  parseCleanSegment,
  parseLabeledLine,
  type ParsedLine,
} from './mlx-line.js';
import { ownString } from './own-string.js';

/** What was seen that tells the eras apart (fixtures README rule 13). */
export interface EraEvidence {
  richUi: boolean;
  grpo: boolean;
  orpo: boolean;
  instructlab: boolean;
  /** A line only mlx_lm 0.19+ prints (`Saved final weights`, `Loading fine-tuned weights`, `Node r of w`, …). */
  v019: boolean;
  finalAdapterSafetensors: boolean;
  finalAdapterNpz: boolean;
  safetensorsSave: boolean;
  npzCheckpoints: boolean;
  /** Any classic `Iter N: Saved adapter weights to` line. */
  saveLine: boolean;
  peakMem: boolean;
  learningRate: boolean;
  trainedTokens: boolean;
  /** lora.py's `Iter N: Train loss X, It/sec Y, Tokens/sec Z` (nothing else). */
  threeFieldTrain: boolean;
  startLine: boolean;
  /** `Trainable parameters: P% (aM/bM)` (mlx_lm 0.4+). */
  percentParams: boolean;
  /** `Total parameters bM` / `Trainable parameters aM` (lora.py, mlx_lm < 0.4). */
  millionParams: boolean;
  /** `Loading pretrained adapters from` (lora.py 2024+, mlx_lm ≤ 0.18). */
  pretrainedAdapters: boolean;
  /** Same iteration printed Val then Train (mlx_lm 0.14.2+) / Train then Val (older, lora.py). */
  valBeforeTrain: boolean;
  trainBeforeVal: boolean;
  /** Other trainers (§3.7). Optional: states saved by an older `runs` lack them. */
  mlxLmLora?: boolean;
  mlxVlm?: boolean;
  unsloth?: boolean;
}

/** An open multi-line block of mlx-lm-lora: a GRPO train report or `Test Results:`. */
export interface OpenBlock {
  kind: 'grpo' | 'test';
  iter: number | null;
  /** Built as the block's lines arrive; emitted when the block ends. */
  record: MetricRecord;
  sawLoss: boolean;
  fields: number;
}

/** Bumped whenever ParserState changes meaning; a saved state of another version is not resumed. */
export const PARSER_STATE_VERSION = 1;

export interface ParserState {
  version: typeof PARSER_STATE_VERSION;
  /** Input bytes through the last `\n` processed (a leading BOM included). */
  consumedBytes: number;
  /** Current run inside the log: +1 each time the iteration counter goes back (appended resume). */
  segment: number;
  /** Iteration of the last train/val/checkpoint record. */
  lastIter: number | null;
  /** Split and iteration of the last train/val record (Val-before-Train evidence). */
  lastMetricSplit: 'train' | 'val' | null;
  lastMetricIter: number | null;
  /** Last emitted test result, cleared by any train/val/checkpoint record (rank dedupe). */
  lastTest: { loss: number | null; ppl: number | null } | null;
  /** Valued tail fields of the previous classic train line (a shorter last one is truncated). */
  lastTrainFields: number | null;
  /** Whether the last non-blank segment seen stops mid-line. */
  lastLineCut: boolean;
  sawKeyboardInterrupt: boolean;
  sawCrash: boolean;
  sawEndMarker: boolean;
  evidence: EraEvidence;
  start_iters: number | null;
  trainable_params_m: number | null;
  total_params_m: number | null;
  resumed_from: string | null;
  world_size: number | null;
  /** Optional: states saved by an older `runs` have none. */
  block?: OpenBlock | null;
}

export function initialParserState(): ParserState {
  return {
    version: PARSER_STATE_VERSION,
    consumedBytes: 0,
    segment: 0,
    lastIter: null,
    lastMetricSplit: null,
    lastMetricIter: null,
    lastTest: null,
    lastTrainFields: null,
    lastLineCut: false,
    sawKeyboardInterrupt: false,
    sawCrash: false,
    sawEndMarker: false,
    evidence: {
      richUi: false,
      grpo: false,
      orpo: false,
      instructlab: false,
      v019: false,
      finalAdapterSafetensors: false,
      finalAdapterNpz: false,
      safetensorsSave: false,
      npzCheckpoints: false,
      saveLine: false,
      peakMem: false,
      learningRate: false,
      trainedTokens: false,
      threeFieldTrain: false,
      startLine: false,
      percentParams: false,
      millionParams: false,
      pretrainedAdapters: false,
      valBeforeTrain: false,
      trainBeforeVal: false,
    },
    start_iters: null,
    trainable_params_m: null,
    total_params_m: null,
    resumed_from: null,
    world_size: null,
  };
}

// `ignoreBOM: true`: decode() runs once per chunk, and a BOM must only be dropped at byte 0 of the
// log, which the parser decides itself. Splitting at 0x0A before decoding never cuts a UTF-8
// sequence (0x0A is never inside one), so per-chunk decoding equals decoding the whole file.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const BLOCK_BYTES = 8 << 20;
/**
 * Longer single lines are examined by their first and last LONG_LINE_WINDOW bytes only: a string
 * cannot grow past ~512M characters, and no record is anywhere near that long.
 */
const LONG_LINE_BYTES = 64 << 20;
const LONG_LINE_WINDOW = 1 << 20;

function decodeLines(bytes: Uint8Array): string {
  if (bytes.length <= LONG_LINE_BYTES || bytes.lastIndexOf(10) >= 0) return decoder.decode(bytes);
  const head = decoder.decode(bytes.subarray(0, LONG_LINE_WINDOW));
  return `${head} ${decoder.decode(bytes.subarray(bytes.length - LONG_LINE_WINDOW))}`;
}

// eslint-disable-next-line no-control-regex -- matching ESC is the point
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export class MlxLogParser {
  #state: ParserState;
  #pending: Uint8Array[] = [];
  /** Bytes held in #pending; #pendingInput: input bytes they stand for (more once compacted). */
  #pendingLength = 0;
  #pendingInput = 0;
  /** Last non-blank segment whose cut-off check is deferred (only the final one matters). */
  #uncheckedLast: string | null = null;
  /** State before flush(), so snapshot() stays consistent with consumedBytes. */
  #beforeFlush: ParserState | null = null;
  /** The line scanners' scratch results: this parser's own, never saved (not state between lines). */
  readonly #scratch = newLineScratch();

  constructor(state?: ParserState) {
    if (state !== undefined && state.version !== PARSER_STATE_VERSION) {
      throw new Error(`unsupported MlxLogParser state version ${String(state.version)}`);
    }
    this.#state = state === undefined ? initialParserState() : structuredClone(state);
  }

  /** Bytes in; the records of every complete line (ended by `\n`) out. */
  push(chunk: Uint8Array): LogRecord[] {
    const out: LogRecord[] = [];
    this.#beforeFlush = null;
    const n = chunk.length;
    if (n === 0) return out;
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl < 0) {
      this.#appendPending(chunk);
      return out;
    }
    let start = 0;
    if (this.#pendingInput > 0) {
      const firstNl = chunk.indexOf(10);
      this.#appendPending(chunk.subarray(0, firstNl));
      const input = this.#pendingInput;
      this.#text(decodeLines(this.#takePending()), out);
      this.#state.consumedBytes += input + 1;
      start = firstNl + 1;
    }
    while (start <= lastNl) {
      // One decode for many complete lines (without their last `\n`), in blocks of at most
      // BLOCK_BYTES so that a huge chunk never becomes one huge string.
      let stop = lastNl;
      if (stop - start > BLOCK_BYTES) {
        stop = chunk.lastIndexOf(10, start + BLOCK_BYTES);
        if (stop < start) stop = chunk.indexOf(10, start + BLOCK_BYTES); // one line longer than a block
      }
      this.#text(decodeLines(chunk.subarray(start, stop)), out);
      this.#state.consumedBytes += stop + 1 - start;
      start = stop + 1;
    }
    if (lastNl + 1 < n) this.#appendPending(chunk.subarray(lastNl + 1));
    return out;
  }

  /** Keeps a piece of the partial last line (a copy: callers may reuse their read buffer). */
  #appendPending(part: Uint8Array): void {
    if (part.length === 0) return;
    // A copy: Buffer#slice (the reader passes Buffers) is only a view of the read buffer, which
    // the next read overwrites.
    this.#pending.push(new Uint8Array(part));
    this.#pendingLength += part.length;
    this.#pendingInput += part.length;
    if (this.#pendingLength > LONG_LINE_BYTES) {
      // A pathological line (a binary file, a dump without newlines): keep its head and tail only,
      // so memory stays bounded however long it grows.
      const all = concatBytes(this.#pending, this.#pendingLength, null);
      const head = all.slice(0, LONG_LINE_WINDOW);
      const tail = all.slice(all.length - LONG_LINE_WINDOW);
      this.#pending = [head, Uint8Array.of(32), tail];
      this.#pendingLength = head.length + 1 + tail.length;
    }
  }

  #takePending(): Uint8Array {
    const bytes = concatBytes(this.#pending, this.#pendingLength, null);
    this.#pending = [];
    this.#pendingLength = 0;
    this.#pendingInput = 0;
    return bytes;
  }

  /**
   * Parses the pending partial last line as a final, possibly cut-off line, and clears it. Call at
   * the end of the input; facts then judge that line. consumedBytes and snapshot() keep describing
   * the state through the last `\n` (a later push() continues after the flushed bytes).
   */
  flush(): LogRecord[] {
    const out: LogRecord[] = [];
    if (this.#pendingInput === 0 && this.#state.block == null) return out;
    this.#resolveLastLine();
    this.#beforeFlush = structuredClone(this.#state);
    if (this.#pendingInput > 0) {
      const input = this.#pendingInput;
      this.#text(decodeLines(this.#takePending()), out);
      this.#state.consumedBytes += input;
    }
    // A block the log stops inside (a killed trainer) still reports what it printed.
    if (this.#state.block != null) this.#closeBlock('', out);
    return out;
  }

  /** Input bytes through the last `\n` processed by push() (the partial tail excluded). */
  get consumedBytes(): number {
    return (this.#beforeFlush ?? this.#state).consumedBytes;
  }

  /**
   * State after the complete lines only: a parser built from it and fed the input from
   * `consumedBytes` on emits what this one emits from there. After flush() it is the state before it.
   */
  snapshot(): ParserState {
    this.#resolveLastLine();
    return structuredClone(this.#beforeFlush ?? this.#state);
  }

  get facts(): LogFacts {
    this.#resolveLastLine();
    const st = this.#state;
    return {
      log_format: decideLogFormat(st.evidence),
      outcome_hint: decideOutcome(st),
      start_iters: st.start_iters,
      trainable_params_m: st.trainable_params_m,
      total_params_m: st.total_params_m,
      resumed_from: st.resumed_from,
      world_size: st.world_size,
    };
  }

  #resolveLastLine(): void {
    if (this.#uncheckedLast !== null) {
      this.#state.lastLineCut = looksCutOff(this.#uncheckedLast);
      this.#uncheckedLast = null;
    }
  }

  /** Complete lines joined by `\n` (no trailing `\n`). */
  #text(text: string, out: LogRecord[]): void {
    let p = 0;
    // A BOM is dropped only at byte 0 of the log (fixtures README rule 1).
    if (this.#state.consumedBytes === 0 && text.charCodeAt(0) === 0xfeff) p = 1;
    const n = text.length;
    // Positions of the next `\r` / ESC, recomputed only when passed: searching from every line
    // start to the end of the chunk would be quadratic on a chunk without any.
    let nextCr = text.indexOf('\r', p);
    let nextEsc = text.indexOf('\x1b', p);
    for (;;) {
      const nl = text.indexOf('\n', p);
      const end = nl < 0 ? n : nl;
      if (nextCr >= 0 && nextCr < p) nextCr = text.indexOf('\r', p);
      if (nextEsc >= 0 && nextEsc < p) nextEsc = text.indexOf('\x1b', p);
      let b = end;
      if (nextCr >= 0 && nextCr < end) {
        if (text.charCodeAt(b - 1) === 13) b--; // CRLF
        let line = text.slice(p, b);
        if (nextEsc >= 0 && nextEsc < end) line = line.replace(ANSI, '');
        if (line.indexOf('\r') < 0) this.#segment(line, out);
        else for (const seg of line.split('\r')) this.#segment(seg, out);
      } else {
        let line = text.slice(p, b);
        if (nextEsc >= 0 && nextEsc < end) line = line.replace(ANSI, '');
        this.#segment(line, out);
      }
      if (nl < 0) break;
      p = nl + 1;
    }
  }

  #segment(s: string, out: LogRecord[]): void {
    if (this.#state.block != null && this.#blockLine(s, out)) return;
    const parsed = parseCleanSegment(this.#scratch, s);
    if (parsed === null) {
      if (!isBlank(s)) this.#uncheckedLast = s;
      return;
    }
    this.#apply(parsed, s, out);
  }

  /** A line while a block is open: true when it belongs to the block (or is blank). */
  #blockLine(s: string, out: LogRecord[]): boolean {
    const st = this.#state;
    const b = st.block!;
    if (isBlank(s)) return true;
    const l = parseLabeledLine(this.#scratch, s);
    if (l === null) {
      this.#closeBlock(s, out);
      return false;
    }
    const r = b.record;
    this.#uncheckedLast = s;
    const label = l.label.trim();
    const v = l.value;
    if (label === 'Loss' && v !== undefined) {
      r.loss = v;
      b.sawLoss = true;
    } else if (b.kind === 'test') {
      if (label === 'Perplexity' && v !== undefined) {
        r.test_ppl = v;
        this.#closeBlock(s, out);
      }
      // `Tokens: n` and the rest: not part of a test record.
    } else if (label === 'Learning Rate' && v !== undefined) {
      r.learning_rate = v;
      b.fields++;
    } else if (label === 'Memory' && v !== undefined) {
      r.peak_mem_gb = v;
      b.fields++;
      this.#closeBlock(s, out); // the last line of the report
    } else if (label === 'Speed') {
      for (const [unit, value] of l.pairs) {
        if (unit === 'it/s') r.it_per_sec = value;
        else if (unit === 'tok/s') r.tokens_per_sec = value;
      }
      b.fields++;
    } else if (v !== undefined) {
      addExtra(r, label, v);
      b.fields++;
    } else {
      for (const [sub, value] of l.pairs) addExtra(r, `${label} ${sub}`, value);
      b.fields++;
    }
    return true;
  }

  /** Ends the open block, emitting its record if it got a loss. */
  #closeBlock(s: string, out: LogRecord[]): void {
    const b = this.#state.block!;
    this.#state.block = null;
    if (!b.sawLoss) return;
    this.#apply({ type: 'metric', record: b.record, fields: b.fields, cut: false, hints: LineHint.LORA_PKG }, s, out);
  }

  #openBlock(kind: 'grpo' | 'test', iter: number | null, out: LogRecord[], s: string): void {
    if (this.#state.block != null) this.#closeBlock(s, out);
    const record = newBlockRecord(kind === 'test' ? 'test' : 'train', iter);
    this.#state.block = { kind, iter, record, sawLoss: false, fields: 0 };
    this.#state.evidence.mlxLmLora = true;
  }

  #apply(p: ParsedLine, s: string, out: LogRecord[]): void {
    const st = this.#state;
    const ev = st.evidence;
    switch (p.type) {
      case 'metric': {
        const r = p.record;
        this.#uncheckedLast = null;
        if (r.split === 'test') {
          st.sawEndMarker = true;
          st.lastLineCut = false;
          const prev = st.lastTest;
          // Distributed runs: every rank may print the same test line; keep one.
          if (prev !== null && prev.loss === r.loss && prev.ppl === r.test_ppl) return;
          st.lastTest = { loss: r.loss, ppl: r.test_ppl };
          r.segment = st.segment;
          out.push(r);
          return;
        }
        const iter = r.iter ?? 0;
        this.#iteration(iter);
        if (st.lastMetricIter === iter && st.lastMetricSplit !== r.split) {
          if (r.split === 'train') ev.valBeforeTrain = true;
          else ev.trainBeforeVal = true;
        }
        st.lastMetricSplit = r.split;
        st.lastMetricIter = iter;
        this.#hints(p.hints);
        let cut = p.cut;
        if (r.split === 'train' && (p.hints & LineHint.RICH_UI) === 0) {
          if (st.lastTrainFields !== null && p.fields < st.lastTrainFields) cut = true;
          st.lastTrainFields = p.fields;
          const h = p.hints;
          if (
            (h & LineHint.IT_PER_SEC) !== 0 &&
            (h & (LineHint.LEARNING_RATE | LineHint.TRAINED_TOKENS | LineHint.PEAK_MEM)) === 0 &&
            (h & (LineHint.ORPO_FIELDS | LineHint.GRPO_FIELDS)) === 0
          ) {
            ev.threeFieldTrain = true;
          }
        }
        st.lastLineCut = cut;
        if (cut && r.extra !== undefined) {
          // The value of the field the line stops in may itself be cut (`chosen_win 0.9`): not kept.
          const names = Object.keys(r.extra);
          delete r.extra[names[names.length - 1]!];
        }
        r.segment = st.segment;
        out.push(r);
        return;
      }
      case 'checkpoint': {
        this.#uncheckedLast = null;
        this.#iteration(p.record.iter);
        this.#hints(p.hints);
        if ((p.hints & LineHint.RICH_UI) === 0) {
          ev.saveLine = true;
          if ((p.hints & LineHint.SAFETENSORS) !== 0) ev.safetensorsSave = true;
        }
        st.lastLineCut = p.cut;
        p.record.segment = st.segment;
        // Kept until the batch is written: not a view into the whole decoded text (own-string.ts).
        if (p.record.file !== null) p.record.file = ownString(p.record.file);
        out.push(p.record);
        return;
      }
      case 'final_save':
        this.#uncheckedLast = null;
        st.sawEndMarker = true;
        st.lastLineCut = p.cut;
        if ((p.hints & LineHint.UNSLOTH) !== 0) ev.unsloth = true;
        else if (!p.adapter) ev.v019 = true;
        else if ((p.hints & LineHint.SAFETENSORS) !== 0) ev.finalAdapterSafetensors = true;
        else if ((p.hints & LineHint.NPZ) !== 0) ev.finalAdapterNpz = true;
        return;
      case 'block_iter':
        this.#uncheckedLast = s;
        this.#openBlock('grpo', p.iter, out, s);
        return;
      case 'test_block':
        this.#uncheckedLast = s;
        this.#openBlock('test', null, out, s);
        return;
      case 'start':
        this.#uncheckedLast = s;
        st.start_iters = p.iters;
        ev.startLine = true;
        if (p.vlm === true) ev.mlxVlm = true;
        if (p.trainer !== null) {
          const t = p.trainer.toUpperCase();
          if (t === 'GRPO') ev.grpo = true;
          // DPO branches print the same chosen/rejected fields; no era of their own.
          else if (t === 'ORPO' || t === 'DPO') ev.orpo = true;
        }
        return;
      case 'params':
        this.#uncheckedLast = s;
        if (p.trainable_m !== null) st.trainable_params_m = p.trainable_m;
        if (p.total_m !== null) st.total_params_m = p.total_m;
        if (p.percent) ev.percentParams = true;
        else ev.millionParams = true;
        return;
      case 'resume':
        this.#uncheckedLast = s;
        st.resumed_from = p.file === null ? null : ownString(p.file);
        if (p.fine_tuned) ev.v019 = true;
        else ev.pretrainedAdapters = true;
        return;
      case 'node':
        this.#uncheckedLast = s;
        st.world_size = p.world_size;
        ev.v019 = true;
        return;
      case 'rich_header':
        this.#uncheckedLast = s;
        ev.richUi = true;
        if (p.iters !== null) st.start_iters = p.iters;
        return;
      case 'rich_bar':
        this.#uncheckedLast = s;
        ev.richUi = true;
        if (p.percent === 100 && p.done === p.total && p.total > 0) st.sawEndMarker = true;
        return;
      case 'traceback':
      case 'abort':
        this.#uncheckedLast = s;
        st.sawCrash = true;
        return;
      case 'keyboard_interrupt':
        this.#uncheckedLast = s;
        st.sawKeyboardInterrupt = true;
        return;
      case 'era_hint':
        this.#uncheckedLast = s;
        if (p.format === 'mlx_lm-0.19+') ev.v019 = true;
        else if (p.format === 'fork-orpo') ev.orpo = true;
        else if (p.format === 'mlx-lm-lora') ev.mlxLmLora = true;
        return;
    }
  }

  #iteration(iter: number): void {
    const st = this.#state;
    // A resumed run appended to the same log restarts at Iter 1. Same iteration (Train then Val,
    // then the save) is not a restart.
    if (st.lastIter !== null && iter < st.lastIter) st.segment++;
    st.lastIter = iter;
    st.lastTest = null;
  }

  #hints(h: number): void {
    if (h === 0) return;
    const ev = this.#state.evidence;
    if ((h & LineHint.RICH_UI) !== 0) ev.richUi = true;
    if ((h & LineHint.GRPO_FIELDS) !== 0) ev.grpo = true;
    if ((h & LineHint.ORPO_FIELDS) !== 0) ev.orpo = true;
    if ((h & (LineHint.EPOCH_PREFIX | LineHint.ZERO_PADDED)) !== 0) ev.instructlab = true;
    if ((h & LineHint.PEAK_MEM) !== 0) ev.peakMem = true;
    if ((h & LineHint.LEARNING_RATE) !== 0) ev.learningRate = true;
    if ((h & LineHint.TRAINED_TOKENS) !== 0) ev.trainedTokens = true;
    if ((h & LineHint.NPZ_CHECKPOINT_DIR) !== 0) ev.npzCheckpoints = true;
    if ((h & LineHint.LORA_PKG) !== 0) ev.mlxLmLora = true;
    if ((h & LineHint.MLX_VLM) !== 0) ev.mlxVlm = true;
    if ((h & LineHint.UNSLOTH) !== 0) ev.unsloth = true;
  }
}

/** Parses a whole log held in memory: push() + flush(). */
export function parseLogText(bytes: Uint8Array): { records: LogRecord[]; facts: LogFacts } {
  const parser = new MlxLogParser();
  const records = parser.push(bytes);
  for (const r of parser.flush()) records.push(r);
  return { records, facts: parser.facts };
}

/**
 * Names the era from the evidence of the whole log (fixtures README rule 13); null without any.
 * Where the text cannot tell two eras apart, the more common one wins: e.g. a safetensors log
 * without end marker is 0.6–0.18, unless its evals print Val before Train (0.14.2+, and most
 * releases printing that are 0.19+).
 */
export function decideLogFormat(ev: EraEvidence): LogFormat | null {
  // Other trainers first: their DPO/GRPO fields would otherwise read as the fork eras.
  if (ev.unsloth === true) return 'unsloth-mlx';
  if (ev.mlxVlm === true) return 'mlx-vlm';
  if (ev.mlxLmLora === true) return 'mlx-lm-lora';
  if (ev.richUi) return 'mlx_lm-rich-ui';
  if (ev.grpo) return 'fork-grpo';
  if (ev.orpo) return 'fork-orpo';
  if (ev.instructlab) return 'fork-instructlab';
  if (ev.v019) return 'mlx_lm-0.19+';
  if (ev.finalAdapterSafetensors) return 'mlx_lm-0.6-0.18';
  if (ev.safetensorsSave) return ev.valBeforeTrain && !ev.trainBeforeVal ? 'mlx_lm-0.19+' : 'mlx_lm-0.6-0.18';
  if (ev.peakMem) {
    if (ev.npzCheckpoints || ev.finalAdapterNpz) return 'mlx_lm-0.3-0.5';
    return ev.trainBeforeVal ? 'mlx_lm-0.6-0.18' : 'mlx_lm-0.19+';
  }
  if (ev.learningRate || ev.trainedTokens || ev.startLine || ev.finalAdapterNpz || ev.npzCheckpoints) {
    return 'mlx_lm-0.0.x';
  }
  if (ev.percentParams) return 'mlx_lm-0.19+';
  if (ev.saveLine || ev.pretrainedAdapters) return 'lora.py-2024+';
  if (ev.threeFieldTrain || ev.millionParams) return 'lora.py-2023';
  return null;
}

/** README rule 12: the first rule that applies wins. */
export function decideOutcome(st: ParserState): OutcomeHint {
  if (st.sawKeyboardInterrupt) return 'interrupted';
  if (st.sawCrash) return 'crashed';
  if (st.sawEndMarker) return 'completed';
  if (st.lastLineCut) return 'truncated';
  return 'unknown';
}

function newBlockRecord(split: 'train' | 'test', iter: number | null): MetricRecord {
  return {
    kind: 'metric',
    split,
    iter,
    loss: null,
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

function concatBytes(parts: readonly Uint8Array[], length: number, tail: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(length + (tail === null ? 0 : tail.length));
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  if (tail !== null) out.set(tail, o);
  return out;
}

function isBlank(s: string): boolean {
  // Fast exit: most lines start with a visible character.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 11 && c !== 12) return false;
  }
  return true;
}
