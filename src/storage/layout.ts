// Names on disk (PRODUCT.md "On disk"). Everything that builds a path into a run folder goes through here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_ROOT = path.join('models', 'runs', 'mlx');
export const MANIFEST_FILE = 'run.json';
export const CONFIG_FILE = 'config.yaml';
export const LOG_FILE = 'train.log';
/** The trainer's callback reports (mlx-lm 0.32+ with the `runs` reporter), one JSON object per line. */
export const METRICS_JSONL_FILE = 'metrics.jsonl';
export const ADAPTERS_DIR = 'adapters';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const LATEST_LINK = 'latest';
export const DB_FILE = 'runs.db';
/** Touched by the recorder every few seconds: tells a live `running` run from one whose pid was reused. */
export const HEARTBEAT_FILE = '.heartbeat';
/** Space `runs train` holds back while the trainer runs, so a full disk cannot keep the outcome out of run.json. */
export const RESERVE_FILE = '.reserve';
/**
 * The largest run.json, adapter_config.json or config.yaml runs reads: bigger than any honest one;
 * a huge file is a mistake we warn about rather than load.
 */
export const MAX_RUN_FILE_BYTES = 4 * 1024 * 1024;

export interface RunPaths {
  dir: string;
  manifest: string;
  config: string;
  log: string;
  metricsJsonl: string;
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
    metricsJsonl: dir + sep + METRICS_JSONL_FILE,
    adapters: dir + sep + ADAPTERS_DIR,
    adapterConfig: dir + sep + ADAPTERS_DIR + sep + ADAPTER_CONFIG_FILE,
    heartbeat: dir + sep + HEARTBEAT_FILE,
    reserve: dir + sep + RESERVE_FILE,
  };
}

export interface Locations {
  root: string;
  dbPath: string;
  /** How the root was chosen: given (--root / RUNS_ROOT), found (walking up from the cwd), or the default to create. */
  rootSource: 'given' | 'found' | 'default';
}

/**
 * Root: --root, else RUNS_ROOT, else the nearest `models/runs/mlx` in the cwd or a parent (as git
 * finds `.git`, so a subfolder of a project works), else `<cwd>/models/runs/mlx` (which only
 * `runs train` may create). A leading `~` is the home folder: `--root=~/x` reaches us unexpanded.
 * db: --db, else RUNS_DB, else <root>/runs.db.
 */
export function resolveLocations(
  opts: { root?: string; db?: string },
  env: { RUNS_ROOT?: string; RUNS_DB?: string },
  cwd: string,
): Locations {
  const given = opts.root ?? env.RUNS_ROOT;
  let root: string;
  let rootSource: Locations['rootSource'];
  if (given !== undefined) {
    root = path.resolve(cwd, expandHome(given));
    rootSource = 'given';
  } else {
    const found = findRootUpwards(cwd);
    root = found ?? path.resolve(cwd, DEFAULT_ROOT);
    rootSource = found ? 'found' : 'default';
  }
  const db = opts.db ?? env.RUNS_DB;
  const dbPath = db !== undefined ? path.resolve(cwd, expandHome(db)) : path.join(root, DB_FILE);
  return { root, dbPath, rootSource };
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith(`~${path.sep}`)) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** The nearest `<dir>/models/runs/mlx` folder from `cwd` up to the file-system root. */
export function findRootUpwards(cwd: string): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, DEFAULT_ROOT);
    try {
      if (fs.statSync(candidate).isDirectory()) return candidate;
    } catch {
      // not here: look in the parent
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Checks that the root is a folder that exists, or says in one line what was tried and how to fix
 * it. Read commands never create a root: a typo in --root must not leave a folder behind.
 */
export function checkRootExists(loc: Locations): string | null {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(loc.root, { throwIfNoEntry: false });
  } catch (err) {
    return `cannot read the runs root ${loc.root} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check its permissions, or pass another --root`;
  }
  if (st?.isDirectory()) return null;
  if (st)
    return `the runs root ${loc.root} is a file, not a folder; pass --root DIR (or set RUNS_ROOT) to the folder that holds your runs`;
  if (loc.rootSource === 'default') {
    return (
      `no runs root found: looked for ${DEFAULT_ROOT} in ${path.dirname(path.dirname(path.dirname(loc.root)))} and every parent folder; ` +
      'record a first run with `runs train` here, or pass --root DIR (or set RUNS_ROOT)'
    );
  }
  return `the runs root ${loc.root} does not exist; check --root / RUNS_ROOT, or record a first run there with \`runs train --root ${loc.root}\``;
}
