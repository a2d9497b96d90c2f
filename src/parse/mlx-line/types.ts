// The line parser's vocabulary: what a line parses to, the evidence bits it carries, and the
// scratch results its scanners leave behind.
import type { CheckpointRecord, LogFormat, MetricRecord } from '../../core/records.js';
import type { NumberScan } from './numbers.js';

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

/**
 * Where the scanners leave their secondary results instead of allocating a result object per
 * line (the indexer parses millions of lines). One per parser instance (MlxLogParser owns one;
 * parseMlxLine makes its own), passed down explicitly: no module-level mutable state, so two
 * parsers (or a re-entrant call) cannot see each other's leftovers.
 */
export interface LineScratch extends NumberScan {
  /** knownField(): where the value after a known field name starts. */
  nameEnd: number;
  /** A metric tail (parseTail or a standard tail): pieces that carried a value, a visible cut, LineHint bits. */
  tailFields: number;
  tailCut: boolean;
  tailHints: number;
  /** genericPiece(): the same for one `name value` piece. */
  pieceFields: number;
  pieceCut: boolean;
  pieceHints: number;
}

export function newLineScratch(): LineScratch {
  return {
    numberEnd: 0,
    nameEnd: 0,
    tailFields: 0,
    tailCut: false,
    tailHints: 0,
    pieceFields: 0,
    pieceCut: false,
    pieceHints: 0,
  };
}
