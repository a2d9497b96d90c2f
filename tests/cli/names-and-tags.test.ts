// Every id that is listed can be named, control characters never reach the terminal, and one
// tag rule for every way a tag gets in (issue #10, items 6 and 16). In-process CLI on real folders.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startUi } from '../helpers/ui.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LOG = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log';
const SPACE = 'with space';
const UNICODE = 'café-ünï-実験'; // stored composed (NFC)
const DASH = '-dashfirst';
const ESC = '\x1b[31mred';
const BACKSLASH = 'back\\slash'; // a legal folder name on macOS and Linux
const PLAIN = '2026-06-01_10-00-00';

let tree: Tree;
const cli = (...argv: string[]) => runCli([...tree.flags, ...argv]);

beforeAll(async () => {
  tree = makeTree('runs-names-');
  for (const [i, id] of [SPACE, UNICODE, DASH, ESC, BACKSLASH].entries()) {
    addRun(tree, id, { log: LOG, manifest: completedManifest(id, { started_at: `2026-06-01T0${i}:00:00.000Z` }) });
  }
  addRun(tree, PLAIN, {
    log: LOG,
    manifest: completedManifest(PLAIN, {
      started_at: '2026-06-01T10:00:00.000Z',
      // Written by hand (or an older runs): values a terminal would act on.
      tags: ['two words', '\x1b[2J'],
      note: 'line one\nline two \x1b]0;pwned\x07 \x1b[31mred',
    }),
  });
  expect((await cli('index')).exitCode).toBe(0);
});

describe('every id listed can be named (item 16)', () => {
  it('list shows all six runs', async () => {
    const r = await cli('list', '--json');
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id).sort()).toEqual(
      [BACKSLASH, DASH, ESC, PLAIN, SPACE, UNICODE].sort(),
    );
  });

  it('a backslash in a folder name is part of the id: show names it, report (all runs) includes it', async () => {
    const r = await cli('show', '--json', BACKSLASH);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ id: BACKSLASH });
    const out = path.join(tree.dir, 'all.html');
    const report = await cli('report', '-o', out);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/^wrote .+ \(6 runs, /);
    expect(fs.readFileSync(out, 'utf8')).toContain(JSON.stringify(BACKSLASH).slice(1, -1));
  });

  it('runs ui serves the page of a run whose id has a backslash (%5C), and still nothing outside the ids', async () => {
    const ui = await startUi(tree.flags);
    try {
      const page = await fetch(new URL(`/api/runs/${encodeURIComponent(BACKSLASH)}/page`, ui.url));
      expect(page.status).toBe(200);
      const body = (await page.json()) as { id: string; lines: string[] };
      expect(body.id).toBe(BACKSLASH);
      expect(body.lines.length).toBeGreaterThan(0); // the log tail, read from the folder of that name
      for (const target of ['/%5c..%5cpackage.json', '/api/runs/..%5c..%5cpackage.json', '/api/runs/%5cetc%5cpasswd']) {
        const r = await fetch(new URL(target, ui.url));
        expect(r.status, target).toBe(404);
        expect(await r.text()).not.toContain('"name": "runs"');
      }
    } finally {
      await ui.stop();
    }
  });

  it.each([
    ['with a space', [SPACE], SPACE],
    ['unicode', [UNICODE], UNICODE],
    ['unicode typed decomposed (as macOS stores it)', [UNICODE.normalize('NFD')], UNICODE],
    ['a unique prefix with a space', ['with sp'], SPACE],
    ['dash first, after --', ['--', DASH], DASH],
    ['an escape character', [ESC], ESC],
  ])('show names a run id %s', async (_what, ref, id) => {
    const r = await cli('show', '--json', ...ref);
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ id });
  });

  it('tag and note take a dash-first id after --', async () => {
    const tag = await cli('tag', '--', DASH, 'dash-ok');
    expect(tag.exitCode, tag.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(tree.root, DASH, 'run.json'), 'utf8')).tags).toEqual(['dash-ok']);
  });

  it('"no run matches" names the newest runs as latest~N counts them (start time), not by sorted id', async () => {
    const r = await cli('show', 'zzz-no-such-run');
    expect(r.exitCode).toBe(1);
    // Started 10:00, 04:00, 03:00, 02:00, 01:00 (SPACE, at 00:00, is the oldest); ESC shown escaped.
    expect(r.stderr).toBe(
      `Error: no run matches "zzz-no-such-run"; newest runs: ${[PLAIN, BACKSLASH, '\\x1b[31mred', DASH, UNICODE].join(', ')} (see runs list)\n`,
    );
    for (const [k, id] of [PLAIN, BACKSLASH].entries())
      expect(JSON.parse((await cli('show', '--json', `latest~${k}`)).stdout)).toMatchObject({ id });
  });

  it.each([['../outside'], ['a/b'], ['']])('%j is not a run reference (exit 2)', async (ref) => {
    const r = await cli('show', '--', ref);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: .* is not a run reference: .*never a path/);
  });
});

describe('control characters in ids, notes and tags are escaped in tables (item 16)', () => {
  it('list: no raw control character reaches the terminal; they show as \\x1b, \\n', async () => {
    const r = await cli('list');
    expect(r.exitCode).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(r.stdout).toContain('\\x1b[31mred');
  });

  it('show: the note and tags are escaped, the id too', async () => {
    const r = await cli('show', PLAIN);
    expect(r.exitCode).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(r.stdout).toContain('line one\\nline two \\x1b]0;pwned\\x07 \\x1b[31mred');
    expect(r.stdout).toContain('\\x1b[2J');
    const esc = await cli('show', ESC);
    // eslint-disable-next-line no-control-regex
    expect(esc.stdout + esc.stderr).not.toMatch(/\x1b/);
  });

  it('notices and errors escape them too (the tag command echoes the id)', async () => {
    const r = await cli('tag', ESC, 'fine');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('\\x1b[31mred: tags fine\n');
    const miss = await cli('show', '\x1b[31mnope');
    expect(miss.exitCode).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(miss.stderr).not.toMatch(/\x1b/);
  });

  it('--json keeps the exact values (programs get the data, escaped only by JSON)', async () => {
    const r = await cli('show', PLAIN, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({
      note: 'line one\nline two \x1b]0;pwned\x07 \x1b[31mred',
      tags: ['two words', '\x1b[2J'],
    });
  });
});

describe('one tag rule for train --tag, tag and tag --remove (item 6)', () => {
  const BAD: [string, string][] = [
    ['two words', 'contains a space or a comma'],
    ['a,b', 'contains a space or a comma'],
    ['', 'is empty'],
    ['tab\there', 'contains a control character'],
    ['\x1b[31m', 'contains a control character'],
    ['-x', 'starts with "-"'],
    ['x'.repeat(101), 'is longer than 100 characters'],
  ];

  it.each(BAD)('runs tag %j: exit 2, run.json unchanged', async (tag, problem) => {
    const file = path.join(tree.root, SPACE, 'run.json');
    const before = fs.readFileSync(file, 'utf8');
    const r = await cli('tag', SPACE, '--', tag);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(problem);
    expect(r.stderr).toMatch(/^Error: tag .*a tag is one word/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it.each(BAD)('runs train --tag %j: exit 2 before any run folder exists', async (tag, problem) => {
    const empty = makeTree('runs-train-tag-');
    const r = await runCli([
      ...empty.flags,
      'train',
      `--tag=${tag}`,
      '--trainer',
      process.execPath,
      '--',
      '--iters',
      '1',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(problem);
    expect(r.stderr).toMatch(/^Error: --tag .*a tag is one word/);
    expect(fs.readdirSync(empty.root)).toEqual([]);
  });

  it('tag --remove takes out a hand-written tag the run has, and refuses an invalid one it does not have', async () => {
    const gone = await cli('tag', PLAIN, 'two words', '--remove');
    expect(gone.exitCode, gone.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(tree.root, PLAIN, 'run.json'), 'utf8')).tags).toEqual(['\x1b[2J']);
    const never = await cli('tag', PLAIN, 'two words', '--remove');
    expect(never.exitCode).toBe(2);
    expect(never.stderr).toMatch(/^Error: tag "two words" contains a space or a comma/);
  });

  it('CSV gives tags as a JSON array: a ; inside a tag stays one tag', async () => {
    expect((await cli('tag', SPACE, 'a;b', 'c')).exitCode).toBe(0);
    const r = await cli('list', '--csv', '--where', `id = '${SPACE}'`);
    expect(r.exitCode).toBe(0);
    const [header, row] = r.stdout.trim().split('\n');
    const cols = header!.split(',');
    expect(cols).toContain('tags');
    const cell = /"(\[.*?\])"/.exec(row!)![1]!.replaceAll('""', '"');
    expect(JSON.parse(cell)).toEqual(['a;b', 'c']);
  });
});
