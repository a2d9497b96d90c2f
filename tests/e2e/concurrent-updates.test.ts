// Concurrent writers of one run.json never lose each other's change (issue #10, item 9): many
// `runs tag` at once, `runs note` beside `runs tag`, and tag loops across the end of real runs.
// Real processes: the lost update is a race between separate processes' read-modify-write of one
// file; in one process the synchronous update cannot interleave with itself. Counts are exact.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER } from '../helpers/paths.js';

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const TRAINER = `${quote(process.execPath)} ${quote(FAKE_TRAINER)}`;

interface Finished {
  argv: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-e2e-concurrent-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function runs(root: string, argv: string[], env: Record<string, string> = {}): Promise<Finished> {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete fullEnv.RUNS_TRAINER;
  const child = spawn(process.execPath, [BIN, '--root', root, '--db', path.join(root, 'runs.db'), ...argv], {
    cwd: tmp,
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ argv, code, stdout, stderr })));
}

/** A finished run folder the way `runs train` leaves one. */
function makeRun(root: string, id: string): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify({
      schema_version: 1,
      id,
      status: 'completed',
      exit_code: 0,
      finished_at: '2026-11-29T15:00:00.000Z',
      tags: [],
      note: null,
    }),
  );
  fs.writeFileSync(path.join(dir, 'train.log'), 'Iter 10: Val loss 1.900, Val took 0.100s\n');
  return dir;
}

const manifestOf = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;

/** What is left in a run folder besides the run's own files: temp copies, lock files. */
const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('.lock'));

describe('concurrent changes to one run (item 9)', () => {
  it('240 tags from 120 pairs of simultaneous runs tag on one run: every tag printed as saved is in run.json and the index', async () => {
    // The defect this guards (issue 10, item 9): 200 pairs of simultaneous `tag` lost 36 of 400
    // tags on the unlocked read-modify-write (and 127 of 400 here); 120 pairs keep the suite's
    // time in bounds on a loaded 2-core machine. Both commands of a pair start together; three pairs
    // run at once (6 processes on a 2-core machine).
    const root = path.join(tmp, 'tags');
    const dir = makeRun(root, 'run-a');
    expect((await runs(root, ['index'])).code).toBe(0);
    const PAIRS = 120;
    const PAIRS_AT_ONCE = 3;
    const results: Finished[] = [];
    for (let p = 0; p < PAIRS; p += PAIRS_AT_ONCE) {
      const wave: Promise<Finished>[] = [];
      for (let k = p; k < Math.min(p + PAIRS_AT_ONCE, PAIRS); k++) {
        wave.push(runs(root, ['tag', 'run-a', `p${k}-a`]), runs(root, ['tag', 'run-a', `p${k}-b`]));
      }
      results.push(...(await Promise.all(wave)));
    }
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const expected = results.map((r) => r.argv.at(-1)!).sort();
    expect(expected).toHaveLength(PAIRS * 2);
    const kept = new Set(manifestOf(dir).tags as string[]);
    expect(expected.filter((t) => !kept.has(t))).toEqual([]);
    expect([...kept].sort()).toEqual(expected);
    // The index agrees with the folder.
    const list = await runs(root, ['list', '--json']);
    expect(list.code).toBe(0);
    expect([...(JSON.parse(list.stdout) as { tags: string[] }[])[0]!.tags].sort()).toEqual(expected);
    expect(leftovers(dir)).toEqual([]);
  }, 600_000);

  it('runs note and two runs tag at once on each of 10 runs: every run keeps its note and both tags', async () => {
    const root = path.join(tmp, 'note-tag');
    const ids = Array.from({ length: 10 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
    for (const id of ids) makeRun(root, id);
    expect((await runs(root, ['index'])).code).toBe(0);
    const results: Finished[] = [];
    // Two runs at a time (6 processes); the three writers of one run start together.
    for (let i = 0; i < ids.length; i += 2) {
      const wave = ids
        .slice(i, i + 2)
        .flatMap((id) => [
          runs(root, ['note', id, `note of ${id}`]),
          runs(root, ['tag', id, `a-${id}`]),
          runs(root, ['tag', id, `b-${id}`]),
        ]);
      results.push(...(await Promise.all(wave)));
    }
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const lost = ids.filter((id) => {
      const m = manifestOf(path.join(root, id));
      return (
        m.note !== `note of ${id}` ||
        JSON.stringify([...(m.tags as string[])].sort()) !== JSON.stringify([`a-${id}`, `b-${id}`])
      );
    });
    expect(lost).toEqual([]);
  }, 180_000);

  it('tag loops across 30 run endings: every run ends with the outcome it printed, and keeps every tag', async () => {
    // The recorder's final write and `runs tag` race on run.json at the moment the trainer ends.
    // A tag that read the `running` copy must not write it back over the recorded outcome.
    // The unlocked read-modify-write lasts a few milliseconds, so this race shows only on a loaded
    // machine (it was reported with 40 runs at once; on 2 idle cores 30 endings did not hit it in
    // three trials of the unlocked code). The rule itself has a deterministic unit test
    // (tests/unit/storage.test.ts, "never writes `running` back"); the counts here are exact.
    const root = path.join(tmp, 'endings');
    fs.mkdirSync(root, { recursive: true });
    const RUNS = 30;
    const trains: Promise<Finished>[] = [];
    let trainsDone = false;
    const tagResults: Finished[] = [];
    // Three runs at a time; half of them fail with exit 3 (a failure is an outcome too).
    const recording = (async () => {
      for (let i = 0; i < RUNS; i += 3) {
        const wave = [0, 1, 2].map((k) =>
          runs(root, ['train', '--trainer', TRAINER], {
            FAKE_DELAY_MS: '40',
            FAKE_EXIT_CODE: (i + k) % 2 === 0 ? '0' : '3',
          }),
        );
        trains.push(...wave);
        await Promise.all(wave);
      }
    })().finally(() => (trainsDone = true));
    const loop = async (ref: string) => {
      let n = 0;
      while (!trainsDone) {
        const r = await runs(root, ['tag', ref, `${ref.replace('~', '-')}-${n++}`]);
        tagResults.push(r);
      }
    };
    await Promise.all([recording, loop('latest'), loop('latest~1'), loop('latest~2')]);
    const ended = await Promise.all(trains);
    expect((await runs(root, ['index'])).code).toBe(0);

    const ids = fs.readdirSync(root).filter((n) => /^\d{4}-/.test(n));
    expect(ids).toHaveLength(RUNS);
    // Every recorder said which run it made and how it ended; run.json must say the same.
    const printed = ended.map((r) => {
      const m = /run (\S+) (completed|failed) in /.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      return { id: m![1]!, status: m![2]!, code: r.code };
    });
    for (const p of printed) {
      const m = manifestOf(path.join(root, p.id));
      expect({ id: p.id, status: m.status, exit_code: m.exit_code }).toEqual({
        id: p.id,
        status: p.status,
        exit_code: p.code,
      });
    }
    expect(printed.filter((p) => p.status === 'completed')).toHaveLength(Math.ceil(RUNS / 2));

    // Every tag a command printed as saved ("<id>: tags ...") is in that run's run.json.
    const saved = new Map<string, string[]>();
    for (const r of tagResults) {
      if (r.code !== 0) {
        // Only honest errors: `latest~2` before a third run exists, or no run yet.
        expect(r.stderr).toMatch(/goes past the oldest run|no runs yet/);
        continue;
      }
      const id = /^(\S+): tags /m.exec(r.stderr)?.[1];
      expect(id, r.stdout + r.stderr).toBeDefined();
      saved.set(id!, [...(saved.get(id!) ?? []), r.argv.at(-1)!]);
    }
    expect(tagResults.filter((r) => r.code === 0).length).toBeGreaterThan(RUNS);
    for (const [id, tags] of saved) {
      expect([...(manifestOf(path.join(root, id)).tags as string[])].sort()).toEqual([...tags].sort());
    }
    for (const id of ids) expect(leftovers(path.join(root, id))).toEqual([]);
  }, 600_000);
});
