// Which periodic checkpoint holds the weights of the best validation (pure).
//
// mlx_lm 0.14.2 and later validate at the START of an iteration, before its optimizer step: `Iter N:
// Val loss` measures the weights after N-1 steps, while the checkpoint saved at iteration N holds
// the weights after N steps (formats reference §3.3). lora.py and mlx_lm before 0.14.2 validate
// after the step, so there Val at N and the checkpoint at N are the same weights.

export interface ValPoint {
  iter: number;
  loss: number | null;
}

export type BestCheckpoint =
  | {
      ok: true;
      iter: number;
      valIter: number;
      valLoss: number;
      /** steps between the measured weights and the checkpoint (0 = exact) */ offBy: number;
    }
  | { ok: false; reason: string };

/** Eras that validate after the step (Train before Val at one iteration). */
const VAL_AFTER_STEP: ReadonlySet<string> = new Set([
  'lora.py-2023',
  'lora.py-2024+',
  'mlx_lm-0.0.x',
  'mlx_lm-0.3-0.5',
]);

/** `logFormat`: a LogFormat, or any text a run.json may carry (unknown eras measure before the step). */
export function valMeasuresBeforeStep(logFormat: string | null): boolean {
  return logFormat === null || !VAL_AFTER_STEP.has(logFormat);
}

/**
 * The best val point (lowest finite loss; the first on ties) and the checkpoint holding its
 * weights: the one saved after exactly those steps, else (val-before-step eras) the one saved one
 * step later at the same iteration — the nearest weights that exist. Anything further away is
 * not the best checkpoint, and the caller says so.
 */
export function chooseBestCheckpoint(
  val: readonly ValPoint[],
  checkpointIters: readonly number[],
  beforeStep: boolean,
): BestCheckpoint {
  let best: ValPoint | null = null;
  for (const p of val)
    if (p.loss !== null && Number.isFinite(p.loss) && (best === null || p.loss < best.loss!)) best = p;
  if (best === null) return { ok: false, reason: 'it has no finite val loss' };
  const have = new Set(checkpointIters);
  const steps = beforeStep ? best.iter - 1 : best.iter;
  if (steps <= 0) {
    return {
      ok: false,
      reason: `its best val loss (${best.loss}) is at iteration ${best.iter}, before any training step: the base model was best, and no checkpoint holds it`,
    };
  }
  if (have.has(steps)) return { ok: true, iter: steps, valIter: best.iter, valLoss: best.loss!, offBy: 0 };
  if (beforeStep && have.has(best.iter))
    return { ok: true, iter: best.iter, valIter: best.iter, valLoss: best.loss!, offBy: 1 };
  const listed = [...have].sort((a, b) => a - b);
  return {
    ok: false,
    reason:
      `no checkpoint was saved at its best val iteration (${best.iter}, val loss ${best.loss}); ` +
      (listed.length ? `checkpoints exist at ${listed.join(', ')}` : 'it has no periodic checkpoints'),
  };
}
