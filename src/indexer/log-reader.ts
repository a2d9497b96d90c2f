// Reading a run's train.log (and metrics.jsonl) incrementally: 1 MB at a time from where the last
// pass stopped, the parser's state saved with the rows so the next pass resumes there. What comes
// out goes to the index writer in BATCH_RECORDS-sized writes (memory stays flat for a 1 GB log).
import fs from 'node:fs';
import type { LogFacts, LogRecord } from '../core/records.js';
import { emptySummaryState, foldSummary } from '../core/summarize.js';
import type { SummaryState } from '../core/summary.js';
import { initialParserState, MlxLogParser, PARSER_STATE_VERSION, type ParserState } from '../parse/mlx-log-parser.js';
import { initialJsonlState, parseMetricsJsonl, type JsonlState } from '../parse/metrics-jsonl.js';
import { BATCH_RECORDS, type IndexWriter, type RunWrite, type StoredState } from '../db/index.js';
import type { FileStamp } from '../storage/scan.js';

const READ_CHUNK = 1 << 20;
/** One read buffer for every log of a pass (the parser copies what it keeps). */
let sharedReadBuffer: Buffer | undefined;
function readBuffer(): Buffer {
  sharedReadBuffer ??= Buffer.allocUnsafe(READ_CHUNK);
  return sharedReadBuffer;
}

export interface PersistedParse {
  parser: ParserState;
  summary: SummaryState;
  /** Where metrics.jsonl was read to; absent when the run's train/val records come from the console. */
  jsonl?: JsonlState;
  /** A console test result is already in the index (committed) after the callback records. */
  consoleTest?: boolean;
}

/** What one pass over a log produced, ready to become a RunWrite. */
export interface LogPass {
  records: LogRecord[];
  facts: LogFacts;
  /** Summary including the records of an unfinished last line (what users see now). */
  summary: SummaryState;
  /** Parser + summary state through the last complete line (where the next pass resumes). */
  persisted: PersistedParse | null;
  offset: number;
  logStamp: FileStamp | null;
  committed: { metric: number; checkpoint: number };
}

/**
 * Streams train.log: 1 MB reads, never the whole file. Every BATCH_RECORDS records become one
 * write (so a 1 GB log neither fills memory nor makes one giant transaction); the last write also
 * carries the records of an unfinished last line, which the next pass re-derives.
 */
export async function readLogInPieces(
  file: string,
  stamp: FileStamp,
  resume: { stored: StoredState; parseState: PersistedParse } | undefined,
  writer: IndexWriter,
  toWrite: (pass: LogPass, reset: boolean, expectedOffset: number | null) => RunWrite,
  jsonl: { file: string; stamp: FileStamp } | null,
): Promise<void> {
  const startOffset = resume?.stored.log_offset ?? 0;
  const parser = new MlxLogParser(resume?.parseState.parser);
  let summary = resume?.parseState.summary ?? emptySummaryState();
  let committed = resume
    ? { metric: resume.stored.committed_seq, checkpoint: resume.stored.committed_checkpoint_seq }
    : { metric: 0, checkpoint: 0 };
  // Optimistic concurrency: this pass assumes the stored offset it started from.
  let expected: number | null = resume ? startOffset : null;
  let reset = !resume;
  let pending: LogRecord[] = [];
  let jsonlState: JsonlState | undefined;
  if (jsonl !== null) {
    const read = readJsonl(jsonl.file, jsonl.stamp, resume?.parseState.jsonl ?? initialJsonlState());
    jsonlState = read.state;
    pending = read.records;
  }
  // The console's own train/val lines give way to the callback's (test results, checkpoints and
  // header facts still come from the console: no callback sees them).
  const keep = (r: LogRecord) => jsonlState === undefined || r.kind === 'checkpoint' || r.split === 'test';
  let consoleTest = resume?.parseState.consoleTest === true;
  const sawTest = (records: readonly LogRecord[]) => {
    if (jsonlState !== undefined && !consoleTest)
      consoleTest = records.some((r) => r.kind === 'metric' && r.split === 'test');
  };
  // The parser counts bytes from the start of the file, across resumes.
  const parsedThrough = () => parser.consumedBytes;

  const emitPiece = () => {
    sawTest(pending);
    summary = foldSummary(summary, pending);
    committed = advance(committed, pending);
    const offset = parsedThrough();
    // log_size = what was parsed: if we stop here, the next pass resumes from this piece.
    writer.add(
      toWrite(
        {
          records: pending,
          facts: parser.facts,
          summary,
          persisted: { parser: parser.snapshot(), summary, jsonl: jsonlState, consoleTest },
          offset,
          logStamp: { size: offset, mtimeMs: -1 },
          committed,
        },
        reset,
        expected,
      ),
    );
    expected = offset;
    reset = false;
    pending = [];
  };

  const fd = fs.openSync(file, 'r');
  try {
    const buf = readBuffer();
    // Read up to the size seen at stat time; a log still growing is picked up by the next pass.
    for (let pos = startOffset; pos < stamp.size;) {
      const n = fs.readSync(fd, buf, 0, Math.min(READ_CHUNK, stamp.size - pos), pos);
      if (n === 0) break;
      pos += n;
      for (const r of parser.push(buf.subarray(0, n))) if (keep(r)) pending.push(r);
      if (pending.length >= BATCH_RECORDS) {
        emitPiece();
        await writer.throttle(); // a 1 GB log must not queue up in memory ahead of the writer
      }
    }
  } finally {
    fs.closeSync(fd);
  }

  sawTest(pending);
  summary = foldSummary(summary, pending);
  committed = advance(committed, pending);
  const resumeState = { parser: parser.snapshot(), summary, jsonl: jsonlState, consoleTest };
  const offset = parsedThrough();
  const tail = parser.flush().filter(keep);
  writer.add(
    toWrite(
      {
        records: tail.length ? [...pending, ...tail] : pending,
        facts: parser.facts,
        summary: tail.length ? foldSummary(summary, tail) : summary,
        persisted: resumeState,
        offset,
        logStamp: stamp,
        committed,
      },
      reset,
      expected,
    ),
  );
}

/**
 * The saved parser + summary state, or null when it cannot be resumed from: not JSON, made by
 * another version of runs (a different shape), or not where the stored offset says. Null means
 * "re-read this log from byte 0" — never a stranded run that a later pass cannot move on.
 */
export function readPersistedParse(text: string | null, logOffset: number): PersistedParse | null {
  if (text === null) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(v) || !sameShape(initialParserState(), v.parser) || !sameShape(emptySummaryState(), v.summary))
    return null;
  if (v.jsonl !== undefined && !sameShape(initialJsonlState(), v.jsonl)) return null;
  const persisted = v as unknown as PersistedParse;
  return persisted.parser.version === PARSER_STATE_VERSION && persisted.parser.consumedBytes === logOffset
    ? persisted
    : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Has `value` every key of `template`, each of the same type (a null in the template allows any
 * value: those fields are "number or null", "object or null")? Nested objects are compared too.
 */
function sameShape(template: object, value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const [key, t] of Object.entries(template)) {
    if (!(key in value)) return false;
    const x = value[key];
    if (t === null) continue;
    if (isRecord(t)) {
      if (!sameShape(t, x)) return false;
    } else if (typeof x !== typeof t) return false;
  }
  return true;
}

/**
 * metrics.jsonl from where the last pass stopped to its last complete line (a line the trainer was
 * killed in the middle of waits, and is never an error). Missing now (deleted meanwhile): nothing.
 */
function readJsonl(file: string, stamp: FileStamp, state: JsonlState): { records: LogRecord[]; state: JsonlState } {
  const length = stamp.size - state.offset;
  if (length <= 0) return { records: [], state };
  let bytes: Buffer;
  const fd = fs.openSync(file, 'r');
  try {
    bytes = Buffer.allocUnsafe(length);
    const n = fs.readSync(fd, bytes, 0, length, state.offset);
    bytes = bytes.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
  const end = bytes.lastIndexOf(10) + 1;
  if (end === 0) return { records: [], state };
  return parseMetricsJsonl(bytes.toString('utf8', 0, end), end, state);
}

function advance(c: { metric: number; checkpoint: number }, records: readonly LogRecord[]) {
  let { metric, checkpoint } = c;
  for (const r of records) {
    if (r.kind === 'metric') metric++;
    else checkpoint++;
  }
  return { metric, checkpoint };
}
