// runs export RUN [--checkpoint best|last|final|ITER] -o DIR: a ready adapter folder
// (adapter_config.json + the chosen weights as adapters.safetensors) for
// `mlx_lm.generate --adapter-path DIR` and `mlx_lm.fuse`.
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from './context.js';
import { RunsError, UsageError } from '../core/errors.js';
import { runPaths } from '../storage/layout.js';
import { runCheckpoints } from '../storage/run-checkpoints.js';
import { refresh } from '../indexer/refresh.js';
import { resolveRun } from '../db/index.js';

export interface ExportResult {
  id: string;
  dir: string;
  /** The weights file copied, and the iteration it was saved at (null for the final weights). */
  source: string;
  iter: number | null;
  note: string | null;
}

export async function exportRun(
  ctx: Context,
  ref: string,
  opts: { checkpoint?: string; output: string },
): Promise<ExportResult> {
  const choice = opts.checkpoint ?? 'best';
  if (!['best', 'last', 'final'].includes(choice) && !/^\d+$/.test(choice)) {
    throw new UsageError(`--checkpoint takes best, last, final or an iteration number (got "${choice}")`);
  }
  const out = path.resolve(ctx.cwd, opts.output);
  const existing = fs.lstatSync(out, { throwIfNoEntry: false });
  if (existing && (!existing.isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new RunsError(
      `${out} already exists and is not an empty folder; pass a new -o DIR (runs export never overwrites)`,
    );
  }
  await refresh(ctx);
  const run = await resolveRun(ctx, ref);
  const paths = runPaths(ctx.locations().root, run.id);

  let configText: string;
  try {
    configText = fs.readFileSync(paths.adapterConfig, 'utf8');
    const parsed = JSON.parse(configText) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunsError(
      code === 'ENOENT'
        ? `${run.id} has no adapters/adapter_config.json, which mlx_lm needs to load an adapter; was it trained with mlx_lm.lora 0.6 or later?`
        : `${paths.adapterConfig} is not valid JSON (${(err as Error).message}); fix it first`,
    );
  }

  let source: string;
  let iter: number | null = null;
  let note: string | null = null;
  if (choice === 'final') {
    source = path.join(paths.adapters, 'adapters.safetensors');
    if (!fs.existsSync(source))
      throw new RunsError(
        `${run.id} has no adapters/adapters.safetensors; pick a checkpoint with --checkpoint last or ITER`,
      );
  } else {
    const cp = runCheckpoints(run, await (await ctx.reader()).metricsOf(run.id));
    const iters = cp.files.map((f) => f.iter);
    if (choice === 'best') {
      if (!cp.best.ok)
        throw new RunsError(
          `${run.id} has no best checkpoint: ${cp.best.reason}; pick one with --checkpoint last, final or ITER`,
        );
      iter = cp.best.iter;
      if (cp.best.offBy > 0) {
        note = `best val loss ${cp.best.valLoss} was measured at Iter ${cp.best.valIter}, before that iteration's step; the checkpoint saved at ${iter} is ${cp.best.offBy} step later (the nearest saved weights)`;
      }
    } else if (choice === 'last') {
      if (!cp.last)
        throw new RunsError(`${run.id} has no periodic checkpoints; use --checkpoint final for adapters.safetensors`);
      iter = cp.last.iter;
    } else {
      iter = Number(choice);
      if (!iters.includes(iter))
        throw new RunsError(
          `${run.id} has no checkpoint at iteration ${iter}; it has ${iters.length ? iters.join(', ') : 'none'}`,
        );
    }
    source = cp.files.find((f) => f.iter === iter)!.file;
    if (!source.endsWith('.safetensors'))
      throw new RunsError(
        `${path.basename(source)} is an old .npz checkpoint; mlx_lm.generate --adapter-path loads only adapters.safetensors`,
      );
  }

  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'adapter_config.json'), configText);
  fs.copyFileSync(source, path.join(out, 'adapters.safetensors'));
  return { id: run.id, dir: out, source, iter, note };
}
