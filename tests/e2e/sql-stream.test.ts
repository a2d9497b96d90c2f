// `runs sql --json/--csv` over a result far bigger than one write (issue 10 item 14): rows are
// written as they are read, in pieces, waiting on the pipe. Why a real process: only
// process.stdout on a pipe pushes back (write() returning false, then 'drain'), and the shipped
// bundle is what users run. Memory is measured in the report (/usr/bin/time -v), not here.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { makeTree } from '../helpers/tree.js';

const tree = makeTree('runs-sql-stream-');
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

const N = 100_000;
// Spawned CLIs parse and print 100k rows: seconds alone, much more on a loaded 2-core machine.
const SLOW = 120_000;
const QUERY = `with recursive n(i) as (select 1 union all select i + 1 from n limit ${N}) select i, 'row "' || i || '", with, commas' as label, i * 0.5 as half, null as empty from n`;

function sql(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...tree.flags, 'sql', QUERY, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('runs sql streams big results (spawn)', () => {
  it(
    `--json over ${N.toLocaleString('en-US')} rows is complete, valid, and formatted as before`,
    () => {
      const out = sql('--json', '--limit', String(N));
      const rows = JSON.parse(out) as { i: number; label: string; half: number; empty: null }[];
      expect(rows).toHaveLength(N);
      expect(rows[0]).toEqual({ i: 1, label: 'row "1", with, commas', half: 0.5, empty: null });
      expect(rows[N - 1]).toEqual({ i: N, label: `row "${N}", with, commas`, half: N / 2, empty: null });
      expect(rows.every((r, k) => r.i === k + 1)).toBe(true);
      // The same bytes the one-shot printer made: JSON.stringify(rows, null, 2) and a newline.
      expect(out).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    },
    SLOW,
  );

  it(
    '--csv: a header and one line per row; the limit cuts and says so on stderr',
    () => {
      const out = sql('--csv', '--limit', String(N));
      const lines = out.split('\n');
      expect(lines[0]).toBe('i,label,half,empty');
      expect(lines[1]).toBe('1,"row ""1"", with, commas",0.5,');
      expect(lines).toHaveLength(N + 2); // header, N rows, the empty string after the last newline
      expect(lines[N]).toBe(`${N},"row ""${N}"", with, commas",${N / 2},`);

      const r = spawnSync(process.execPath, [BIN, ...tree.flags, 'sql', QUERY, '--json', '--limit', '5'], {
        encoding: 'utf8',
      });
      expect((JSON.parse(r.stdout) as unknown[]).length).toBe(5);
      expect(r.stderr).toBe('truncated at 5 rows (use --limit)\n');
    },
    SLOW,
  );

  it('an empty result is [] and a refused statement prints nothing on stdout', () => {
    const empty = execFileSync(process.execPath, [BIN, ...tree.flags, 'sql', 'select 1 as x where 0', '--json'], {
      encoding: 'utf8',
    });
    expect(empty).toBe('[]\n');
    let stdout = 'unset';
    let status = 0;
    try {
      execFileSync(process.execPath, [BIN, ...tree.flags, 'sql', 'delete from runs returning *', '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      stdout = (err as { stdout: string }).stdout;
      status = (err as { status: number }).status;
    }
    expect(status).toBe(1);
    expect(stdout).toBe('');
  });

  it.each(['--json', '--csv'])(
    '%s under `| head -1`: the reader closes the pipe, runs stops and exits 0 (it used to hang on drain: exit 13)',
    async (format) => {
      const child = spawn(process.execPath, [BIN, ...tree.flags, 'sql', QUERY, format, '--limit', String(N)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Read the first line, then close our end of the pipe, as `head -1` does.
      const first = await new Promise<string>((resolve) => {
        let text = '';
        const onData = (d: Buffer) => {
          text += d.toString();
          if (!text.includes('\n')) return;
          child.stdout.off('data', onData);
          child.stdout.destroy();
          resolve(text.slice(0, text.indexOf('\n')));
        };
        child.stdout.on('data', onData);
      });
      expect(first).toBe(format === '--json' ? '[' : 'i,label,half,empty');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    },
    SLOW,
  );
});
