// The progress line of long passes (index, prune, push): on a real pseudo-terminal it is rewritten
// in place with \r and cleared before the summary; on a pipe there is none at all. The wait before
// it shows (0.5 s) is RUNS_PROGRESS_AFTER_MS here, so a small tree shows it every time.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runBundleOnPty } from '../helpers/pty.js';
import { runBundle } from '../helpers/run-cli.js';
import { addRun, makeTree, type Tree } from '../helpers/tree.js';

const RUNS = 60;
const CHECKPOINTS = 4;
const ids = Array.from(
  { length: RUNS },
  (_, i) => `2026-11-${String(1 + Math.floor(i / 24)).padStart(2, '0')}_${String(i % 24).padStart(2, '0')}-00-00`,
);

/** Train every 10, val at 1 and every 50, a checkpoint saved every 50 (files written by fill()). */
function log(): string {
  const lines = ['Iter 1: Val loss 2.500, Val took 1.0s'];
  for (let it = 10; it <= 50 * CHECKPOINTS; it += 10) {
    lines.push(
      `Iter ${it}: Train loss ${(2 - it / 400).toFixed(3)}, Learning Rate 1.000e-05, It/sec 10.0, Tokens/sec 3000.0, Trained Tokens ${it * 300}, Peak mem 1.4 GB`,
    );
    if (it % 50 === 0) {
      lines.push(`Iter ${it}: Val loss ${(2.4 - it / 400).toFixed(3)}, Val took 1.0s`);
      const f = `${String(it).padStart(7, '0')}_adapters.safetensors`;
      lines.push(`Iter ${it}: Saved adapter weights to adapters/adapters.safetensors and adapters/${f}.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function fill(tree: Tree): void {
  for (const id of ids) {
    const dir = addRun(tree, id, { log: Buffer.from(log()) });
    for (let it = 50; it <= 50 * CHECKPOINTS; it += 50)
      fs.writeFileSync(path.join(dir, 'adapters', `${String(it).padStart(7, '0')}_adapters.safetensors`), 'w');
  }
}

const UPDATE = (verb: string, unit: string) => new RegExp(`\\r${verb} \\d+/[\\d,]+ ${unit}\\x1b\\[K`, 'g');
const CLEAR = '\r\x1b[K';
const NOW = { RUNS_PROGRESS_AFTER_MS: '0' };

/** The terminal's text after the progress line was last cleared (what stays on the screen). */
const afterLastClear = (terminal: string) => terminal.slice(terminal.lastIndexOf(CLEAR) + CLEAR.length);

let tree: Tree;
beforeAll(() => {
  tree = makeTree();
  fs.rmSync(tree.db);
  fill(tree);
});
afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

describe('progress line', () => {
  it('runs index on a terminal: \\r-updates, then the line cleared and the summary on a clean line', async () => {
    const r = await runBundleOnPty([...tree.flags, 'index', '--rebuild'], NOW);
    expect(r.exitCode, r.terminal).toBe(0);
    const updates = r.terminal.match(UPDATE('indexing', 'runs')) ?? [];
    expect(updates.length).toBeGreaterThan(0);
    for (const u of updates) expect(Number(/(\d+)\//.exec(u)![1])).toBeLessThan(RUNS);
    expect(updates.every((u) => u.endsWith(`/${RUNS} runs\x1b[K`))).toBe(true);
    // The summary follows the clear, alone on its line; nothing else is left on the screen.
    expect(afterLastClear(r.terminal)).toMatch(new RegExp(`^indexed ${RUNS} runs \\(${RUNS} new, .*\\r\\n$`));
    expect(r.stdout).toBe('');
  });

  it('runs index with stderr on a pipe: no progress at all, only the summary', async () => {
    const r = await runBundle([...tree.flags, 'index', '--rebuild'], { env: NOW });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^indexed ${RUNS} runs \\([^\\n]*\\n$`));
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\x1b');
  });

  it('a pass that ends before the wait shows nothing, even on a terminal', async () => {
    const r = await runBundleOnPty([...tree.flags, 'index', '--rebuild'], { RUNS_PROGRESS_AFTER_MS: '600000' });
    expect(r.exitCode).toBe(0);
    expect(r.terminal).toMatch(new RegExp(`^indexed ${RUNS} runs \\([^\\r\\n]*\\r\\n$`));
  });

  it('runs prune on a terminal: checking runs, deleting files, then cleared; --json on stdout stays clean', async () => {
    const t = makeTree();
    try {
      fill(t);
      const r = await runBundleOnPty([...t.flags, 'prune', '--all', '--keep', 'last', '--json'], NOW);
      expect(r.exitCode, r.terminal).toBe(0);
      expect(r.terminal).toMatch(UPDATE('checking', 'runs'));
      const deleting = r.terminal.match(UPDATE('deleting', 'files')) ?? [];
      expect(deleting.length).toBeGreaterThan(0);
      expect(deleting.every((u) => u.endsWith(`/${RUNS * (CHECKPOINTS - 1)} files\x1b[K`))).toBe(true);
      // Then the notes (what each run keeps) and the summary, on clean lines.
      const rest = afterLastClear(r.terminal).replaceAll('\r\n', '\n');
      expect(rest).not.toContain('\r');
      expect(rest).toMatch(/^2026-11-01_00-00-00: keeping 200\n/);
      expect(rest).toMatch(/\ndeleted 180 checkpoint file\(s\), [^\n]*\n$/);
      expect((JSON.parse(r.stdout) as unknown[]).length).toBe(RUNS * (CHECKPOINTS - 1));
      // On a pipe: none.
      const again = await runBundle([...t.flags, 'prune', '--all', '--keep', 'none'], { env: NOW });
      expect(again.stderr).not.toContain('\r');
    } finally {
      fs.rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!pgAvailable)('progress line of runs push (PostgreSQL)', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('indexing, then pushing, then cleared before the summary; none on a pipe', async () => {
    const t = makeTree();
    try {
      fill(t);
      const env = { ...NOW, RUNS_TEAM_DB: db.url, RUNS_HOST: 'pty-host' };
      const r = await runBundleOnPty([...t.flags, 'push'], env);
      expect(r.exitCode, r.terminal).toBe(0);
      expect(r.terminal).toMatch(UPDATE('indexing', 'runs'));
      const pushing = r.terminal.match(UPDATE('pushing', 'runs')) ?? [];
      expect(pushing.length).toBeGreaterThan(0);
      expect(pushing.every((u) => u.endsWith(`/${RUNS} runs\x1b[K`))).toBe(true);
      expect(r.terminal.lastIndexOf('\rindexing')).toBeLessThan(r.terminal.indexOf('\rpushing'));
      expect(afterLastClear(r.terminal)).toMatch(
        new RegExp(`^pushed ${RUNS} runs from pty-host \\(${RUNS} new.*\\r\\n$`),
      );
      const piped = await runBundle([...t.flags, 'push'], { env });
      expect(piped.exitCode).toBe(0);
      expect(piped.stderr).toMatch(/^pushed 60 runs from pty-host \(0 new, 0 grown, 60 unchanged\)[^\n]*\n$/);
    } finally {
      fs.rmSync(t.dir, { recursive: true, force: true });
    }
  });
});
