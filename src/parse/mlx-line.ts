// One console line of `mlx_lm.lora` (every era), `lora.py` and the look-alike fork trainers → a
// typed value, or null for anything else. Pure and allocation-light: the indexer runs it on
// millions of lines, so every branch starts with a cheap indexOf test, the upstream metric tails
// go through one sticky regex each, and numbers are scanned by hand (Number() is slower here).
// Formats: shared/mlx-lm-formats.md §3; counting rules: tests/fixtures/mlx-logs/README.md.
// This file is the dispatch; the line shapes live in ./mlx-line/ (classic `Iter` lines, the field
// scanner, numbers, checkpoint paths, header lines, the rich UI, unsloth, cut-off detection).
import { stripAnsi } from './mlx-line/ansi.js';
import { parseFinalSave } from './mlx-line/checkpoint.js';
import { parseIterLine, parseTestLine } from './mlx-line/classic.js';
import { looksCutOff as cutOffShape } from './mlx-line/cut-off.js';
import {
  isKeyboardInterrupt,
  isLoraPkgEpochs,
  isShellDeath,
  isTestBlockHead,
  parseNode,
  parseParams,
  parseResume,
  parseStart,
} from './mlx-line/headers.js';
import { parseRichBarOrHeader, parseRichPanel, parseRichSave, parseRichTrain, parseRichVal } from './mlx-line/rich.js';
import { newLineScratch, type LineScratch, type ParsedLine } from './mlx-line/types.js';
import { parseUnslothLine, parseUnslothSave } from './mlx-line/unsloth.js';

export { stripAnsi } from './mlx-line/ansi.js';
export { addExtra, extraMetricName } from './mlx-line/fields.js';
export { parseLabeledLine, type LabeledLine } from './mlx-line/headers.js';
export { LineHint, newLineScratch, type LineScratch, type ParsedLine } from './mlx-line/types.js';

/**
 * Parses one text segment (a line already split on `\n` and `\r`). A trailing `\r` and ANSI
 * escapes are tolerated. Never throws. Off the hot path: a fresh scratch per call.
 */
export function parseMlxLine(line: string): ParsedLine | null {
  let s = stripAnsi(line);
  if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  return parseCleanSegment(newLineScratch(), s);
}

/**
 * Whether a segment looks like a line that stops mid-line (README rule 12.4). `parsed` avoids
 * parsing twice when the caller has the result already.
 */
export function looksCutOff(text: string, parsed: ParsedLine | null = parseMlxLine(text)): boolean {
  return cutOffShape(text, parsed);
}

/**
 * parseMlxLine without the cleaning: the caller has stripped ANSI and `\r` already, and owns the
 * scratch (MlxLogParser keeps one for all its lines).
 */
export function parseCleanSegment(st: LineScratch, s: string): ParsedLine | null {
  if (s.length < 4) return null;
  // Hot path first: classic `Iter N: …` lines are nearly every line of a big log.
  if (s.indexOf('Iter ') >= 0) {
    const r = parseIterLine(st, s);
    if (r !== null) return r;
  }
  if (s.indexOf('Test loss ') >= 0) {
    const r = parseTestLine(st, s);
    if (r !== null) return r;
  }
  if (s.indexOf(' | ') >= 0) {
    const r = parseUnslothLine(st, s);
    if (r !== null) return r;
  }
  if (s.indexOf('Test Results:') >= 0 && isTestBlockHead(s)) return { type: 'test_block' };
  // Rich UI rows: the arrow is the cheapest discriminator of a train row.
  if (s.indexOf('\u25BC') >= 0 || s.indexOf('\u25B2') >= 0) {
    const r = parseRichTrain(st, s);
    if (r !== null) return r;
  }
  if (s.indexOf(' val ') >= 0) {
    const r = parseRichVal(st, s);
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
    const r = parseStart(s);
    if (r !== null) return r;
  }
  if (s.indexOf('[INFO] Calculated ') >= 0 && isLoraPkgEpochs(s)) return { type: 'era_hint', format: 'mlx-lm-lora' };
  if (s.indexOf('parameters') >= 0) {
    const r = parseParams(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Loading ') >= 0) {
    const r = parseResume(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Node ') >= 0) {
    const r = parseNode(s);
    if (r !== null) return r;
  }
  if (s.indexOf('Traceback (most recent call last)') >= 0) return { type: 'traceback' };
  if (s.indexOf('KeyboardInterrupt') >= 0 && isKeyboardInterrupt(s)) return { type: 'keyboard_interrupt' };
  if (s.indexOf('libc++abi: terminating') >= 0) return { type: 'abort' };
  if ((s.indexOf('bort') >= 0 || s.indexOf('illed') >= 0 || s.indexOf('fault') >= 0) && isShellDeath(s)) {
    return { type: 'abort' };
  }
  if (s.indexOf('train') >= 0) {
    const r = parseRichBarOrHeader(s);
    if (r !== null) return r;
  }
  if (s.indexOf('\u256D') >= 0 && s.indexOf('mlx_lm.lora') >= 0) return { type: 'rich_header', iters: null };
  if (s.indexOf('batch \u00B7 iters') >= 0) {
    const r = parseRichPanel(s);
    if (r !== null) return r;
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
