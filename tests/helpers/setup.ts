// Every test file: point RUNS_ROOT / RUNS_DB at a throwaway dir so nothing can touch models/runs/mlx
// (tests that need their own tree pass --root/--db or env explicitly).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const isolated = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-test-env-'));
process.env.RUNS_ROOT = path.join(isolated, 'runs');
process.env.RUNS_DB = path.join(isolated, 'runs', 'runs.db');
delete process.env.RUNS_TRAINER;
