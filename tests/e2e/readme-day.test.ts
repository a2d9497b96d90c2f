// README "A day with runs" is true: its shell block runs as it is (bash, `set -e`), `runs` being
// the bundle and the trainer the stand-in replaying a real mlx_lm log; mlx_lm.generate and
// mlx_lm.fuse are stubs that check the adapter folder they are given loads (config + weights).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER, FIXTURE_LOGS, PROJECT_ROOT } from '../helpers/paths.js';

const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const day = readme.slice(readme.indexOf('## A day with runs'));
const block = /```sh\n([\s\S]*?)```/.exec(day)![1]!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-day-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const STUBS = `
set -euo pipefail
PS4='+ '
runs() { node "$RUNS_BIN" "$@"; }
# The adapter folder mlx_lm loads: adapter_config.json (valid JSON) and adapters.safetensors.
adapter_ok() {
  local d=""
  while [ $# -gt 0 ]; do [ "$1" = "--adapter-path" ] && d="$2"; shift; done
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1] + "/adapter_config.json", "utf8"))' "$d"
  test -s "$d/adapters.safetensors"
  echo "$d" >> "$STUB_LOG"
}
mlx_lm.generate() { adapter_ok "$@"; }
mlx_lm.fuse() { adapter_ok "$@"; }
set -x
`;

describe('README: A day with runs', () => {
  it('every command of the walkthrough succeeds, in order', { timeout: 240_000 }, async () => {
    const work = path.join(dir, 'work');
    fs.mkdirSync(path.join(work, 'data', 'sql'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'lora.yaml'),
      'model: mlx-community/Qwen3-4B-Instruct-2507-4bit\nlora_parameters: {rank: 8, scale: 20.0, dropout: 0.0}\n',
    );
    const stubLog = path.join(dir, 'stubs.log');
    const script = path.join(dir, 'day.sh');
    fs.writeFileSync(script, `${STUBS}\n${block}`);
    const child = spawn('bash', [script], {
      cwd: work,
      env: {
        ...process.env,
        NO_COLOR: '1',
        COLUMNS: '120',
        RUNS_BIN: BIN,
        RUNS_ROOT: path.join(work, 'runs'),
        RUNS_TRAINER: `node ${FAKE_TRAINER}`,
        // 200 iterations, val every 50, a checkpoint every 50, a test loss at the end.
        FAKE_LOG: path.join(FIXTURE_LOGS, '16-mlxlm-0.28-crlf-line-endings.log'),
        STUB_LOG: stubLog,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    expect(code, `${stderr}\n${stdout}`).toBe(0);

    // Every `runs` line ran (set -x traces each one), and the stubs got real adapter folders.
    const commands = block.split('\n').filter((l) => /^runs /.test(l)).length;
    expect(stderr.match(/^\+ runs /gm)?.length).toBe(commands);
    expect(fs.readFileSync(stubLog, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(fs.readdirSync(path.join(work, 'sql-adapter')).sort()).toEqual([
      'adapter_config.json',
      'adapters.safetensors',
    ]);
    // What the steps left: 4 runs, the baseline trashed and the trash emptied (3 left), one resumed.
    const rows = fs.readdirSync(path.join(work, 'runs')).filter((n) => /^\d{4}-/.test(n));
    expect(rows).toHaveLength(3);
    const resumed = rows
      .map(
        (id) => JSON.parse(fs.readFileSync(path.join(work, 'runs', id, 'run.json'), 'utf8')) as Record<string, unknown>,
      )
      .filter((m) => m.parent);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    // The plot lines drew charts with a legend (one shape per run, hollow for val: ○ ◇ □ for three).
    expect(stdout).toMatch(/\n■ \S+ train {3}□ \S+ val\n/);
    expect(stdout).toMatch(/\n○ \S+ val {3}◇ \S+ val {3}□ \S+ val\n/);
    expect(stdout).toMatch(/ tokens\n/);
  });
});
