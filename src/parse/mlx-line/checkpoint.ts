// Checkpoint and final-save lines: the path (or which of two paths) a save names, and whether
// the line stopped before the path was complete.
import { isSpace } from './numbers.js';
import { LineHint, type ParsedLine } from './types.js';

export function parseSave(s: string, iter: number, q: number, hints: number): ParsedLine {
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

export function parseFinalSave(s: string): ParsedLine | null {
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
