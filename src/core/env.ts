// The environment variables `runs` reads, validated once.
import { z } from 'zod';

const optionalPath = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export const RunsEnv = z.object({
  /** Runs root (default models/runs/mlx under the current directory). */
  RUNS_ROOT: optionalPath,
  /** Index database (default <root>/runs.db). */
  RUNS_DB: optionalPath,
  /** Trainer command line, split like a shell would (default `mlx_lm.lora`). */
  RUNS_TRAINER: optionalPath,
  /** Seconds the recorder waits after forwarding a stop signal before it kills the trainer. */
  RUNS_KILL_GRACE: z.coerce.number().positive().optional().catch(undefined),
  NO_COLOR: z.string().optional(),
});
export type RunsEnv = z.infer<typeof RunsEnv>;

export function readEnv(env: NodeJS.ProcessEnv): RunsEnv {
  return RunsEnv.parse({
    RUNS_ROOT: env.RUNS_ROOT,
    RUNS_DB: env.RUNS_DB,
    RUNS_TRAINER: env.RUNS_TRAINER,
    RUNS_KILL_GRACE: env.RUNS_KILL_GRACE,
    NO_COLOR: env.NO_COLOR,
  });
}
