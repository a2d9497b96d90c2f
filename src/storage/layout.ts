// Names on disk (PRODUCT.md "On disk"). Everything that builds a path into a run folder goes through here.
import path from 'node:path';

export const DEFAULT_ROOT = path.join('models', 'runs', 'mlx');
export const MANIFEST_FILE = 'run.json';
export const CONFIG_FILE = 'config.yaml';
export const LOG_FILE = 'train.log';
export const ADAPTERS_DIR = 'adapters';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const LATEST_LINK = 'latest';
export const DB_FILE = 'runs.db';
/** Touched by the recorder every few seconds: tells a live `running` run from one whose pid was reused. */
export const HEARTBEAT_FILE = '.heartbeat';
/** Space `runs train` holds back while the trainer runs, so a full disk cannot keep the outcome out of run.json. */
export const RESERVE_FILE = '.reserve';

export interface RunPaths {
  dir: string;
  manifest: string;
  config: string;
  log: string;
  adapters: string;
  adapterConfig: string;
  heartbeat: string;
  reserve: string;
}

export function runPaths(root: string, id: string): RunPaths {
  const dir = path.join(root, id);
  // Plain concatenation below: `dir` is already normalised and the names are fixed, and this runs
  // for every run on every index pass (path.join was ~130 ms of a 10k-run no-op pass).
  const sep = path.sep;
  return {
    dir,
    manifest: dir + sep + MANIFEST_FILE,
    config: dir + sep + CONFIG_FILE,
    log: dir + sep + LOG_FILE,
    adapters: dir + sep + ADAPTERS_DIR,
    adapterConfig: dir + sep + ADAPTERS_DIR + sep + ADAPTER_CONFIG_FILE,
    heartbeat: dir + sep + HEARTBEAT_FILE,
    reserve: dir + sep + RESERVE_FILE,
  };
}

/** Root: --root, else RUNS_ROOT, else models/runs/mlx; db: --db, else RUNS_DB, else <root>/runs.db. */
export function resolveLocations(
  opts: { root?: string; db?: string },
  env: { RUNS_ROOT?: string; RUNS_DB?: string },
  cwd: string,
): { root: string; dbPath: string } {
  const root = path.resolve(cwd, opts.root ?? env.RUNS_ROOT ?? DEFAULT_ROOT);
  const dbPath = path.resolve(cwd, opts.db ?? env.RUNS_DB ?? path.join(root, DB_FILE));
  return { root, dbPath };
}
