// The environment variables `runs` reads, validated once (zod/mini: see core/manifest.ts for why).
import * as z from 'zod/mini';

const EnvText = z.optional(z.string());

export const RunsEnvInput = z.object({
  /** Runs root (default models/runs/mlx under the current directory). */
  RUNS_ROOT: EnvText,
  /** Index database (default <root>/runs.db). */
  RUNS_DB: EnvText,
  /** Trainer command line, split like a shell would (default `mlx_lm.lora`). */
  RUNS_TRAINER: EnvText,
  /** Seconds the recorder waits after forwarding a stop signal before it kills the trainer. */
  RUNS_KILL_GRACE: EnvText,
  /** The team database URL (postgres://…) for `runs push` and `--team`. */
  RUNS_TEAM_DB: EnvText,
  /** The host name this machine's runs are published under (default: the OS host name). */
  RUNS_HOST: EnvText,
  /** Interpreter for the mlx-lm reporter (default: the one in the `mlx_lm.lora` script's shebang). */
  RUNS_PYTHON: EnvText,
  /** Milliseconds a long pass (index, push, prune) runs before a terminal shows its progress line. */
  RUNS_PROGRESS_AFTER_MS: EnvText,
  NO_COLOR: EnvText,
});

export interface RunsEnv {
  RUNS_ROOT?: string;
  RUNS_DB?: string;
  RUNS_TRAINER?: string;
  RUNS_KILL_GRACE?: number;
  RUNS_TEAM_DB?: string;
  RUNS_HOST?: string;
  RUNS_PYTHON?: string;
  RUNS_PROGRESS_AFTER_MS?: number;
  NO_COLOR?: string;
}

/** An empty variable counts as unset (`RUNS_ROOT= runs list`), as in most CLIs. */
const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

export function readEnv(env: NodeJS.ProcessEnv): RunsEnv {
  const raw = RunsEnvInput.parse({
    RUNS_ROOT: env.RUNS_ROOT,
    RUNS_DB: env.RUNS_DB,
    RUNS_TRAINER: env.RUNS_TRAINER,
    RUNS_KILL_GRACE: env.RUNS_KILL_GRACE,
    RUNS_TEAM_DB: env.RUNS_TEAM_DB,
    RUNS_HOST: env.RUNS_HOST,
    RUNS_PYTHON: env.RUNS_PYTHON,
    RUNS_PROGRESS_AFTER_MS: env.RUNS_PROGRESS_AFTER_MS,
    NO_COLOR: env.NO_COLOR,
  });
  const grace = Number(nonEmpty(raw.RUNS_KILL_GRACE));
  const progressAfter = Number(nonEmpty(raw.RUNS_PROGRESS_AFTER_MS));
  return {
    RUNS_ROOT: nonEmpty(raw.RUNS_ROOT),
    RUNS_DB: nonEmpty(raw.RUNS_DB),
    RUNS_TRAINER: nonEmpty(raw.RUNS_TRAINER),
    // A bad value falls back to the default grace rather than failing a training run.
    RUNS_KILL_GRACE: Number.isFinite(grace) && grace > 0 ? grace : undefined,
    RUNS_TEAM_DB: nonEmpty(raw.RUNS_TEAM_DB),
    RUNS_HOST: nonEmpty(raw.RUNS_HOST)?.trim(),
    RUNS_PYTHON: nonEmpty(raw.RUNS_PYTHON),
    // A bad value keeps the default wait (progress is cosmetic: never an error).
    RUNS_PROGRESS_AFTER_MS: Number.isFinite(progressAfter) && progressAfter >= 0 ? progressAfter : undefined,
    NO_COLOR: raw.NO_COLOR,
  };
}
