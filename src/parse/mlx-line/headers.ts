// Lines around the training loop: start, parameters, resume, distributed node, crash markers,
// era hints, and the `Label: value` lines of mlx-lm-lora's multi-line blocks.
import { stripAnsi } from './ansi.js';
import { finiteOrNull, numberOrUndefined } from './numbers.js';
import type { LineScratch, ParsedLine } from './types.js';

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

export function parseParams(s: string): ParsedLine | null {
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

/** `Starting [ORPO|GRPO|DPO ]training[ with K reward functions]..., iters: N` (mlx-vlm: `iterations: N`). */
export function parseStart(s: string): ParsedLine | null {
  const m = START.exec(s);
  if (m === null) return null;
  const vlm = m[2] === 'iterations';
  return vlm
    ? { type: 'start', trainer: m[1] ?? null, iters: Number(m[3]), vlm }
    : { type: 'start', trainer: m[1] ?? null, iters: Number(m[3]) };
}

export function parseResume(s: string): ParsedLine | null {
  const m = RESUME.exec(s);
  if (m === null || m[2] === undefined) return null;
  return { type: 'resume', file: m[2], fine_tuned: m[1] === 'fine-tuned weights' };
}

export function parseNode(s: string): ParsedLine | null {
  const m = NODE.exec(s);
  return m === null ? null : { type: 'node', rank: Number(m[1]), world_size: Number(m[2]) };
}

export const isTestBlockHead = (s: string): boolean => TEST_BLOCK.test(s);
export const isLoraPkgEpochs = (s: string): boolean => LORA_PKG_EPOCHS.test(s);
export const isKeyboardInterrupt = (s: string): boolean => KEYBOARD_INTERRUPT.test(s);
export const isShellDeath = (s: string): boolean => SHELL_DEATH.test(s);

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
export function parseLabeledLine(st: LineScratch, line: string): LabeledLine | null {
  const s = stripAnsi(line);
  const m = LABELED.exec(s);
  if (m === null) return null;
  const label = m[1] ?? '';
  const text = m[2] ?? '';
  const single = /^([-+]?[\d.]+(?:[eE][-+]?\d+)?|nan|inf|-inf)\s*(?:GB|s)?$/.exec(text);
  if (single !== null) return { label, value: numberOrUndefined(st, single[1]), pairs: [] };
  const pairs: Array<[string, number | null]> = [];
  for (const piece of text.split(',')) {
    const p = PAIR_VALUE.exec(piece);
    if (p !== null) {
      const v = numberOrUndefined(st, p[2]);
      if (v !== undefined) pairs.push([p[1] ?? '', v]);
      continue;
    }
    // `0.123 it/s` / `45.6 tok/s`: the unit names the value.
    const u = /^\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?|nan|inf)\s+([A-Za-z/]+)\s*$/.exec(piece);
    if (u !== null) {
      const v = numberOrUndefined(st, u[1]);
      if (v !== undefined) pairs.push([u[2] ?? '', v]);
    }
  }
  return { label, value: undefined, pairs };
}
