// Cut-off detection for the last line of a log (README rule 12.4); not on the hot path.
import { stripAnsi } from './ansi.js';
import { HEAD_SAVE, HEAD_TRAIN, HEAD_VAL } from './classic.js';
import { isSpace, isWordChar } from './numbers.js';
import type { ParsedLine } from './types.js';

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
 * end. `parsed` is the segment's parse (the caller has it already; mlx-line.ts parses when not).
 */
export function looksCutOff(text: string, parsed: ParsedLine | null): boolean {
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
