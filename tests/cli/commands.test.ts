// In-process CLI tests of the read commands on a temp tree built from fixture logs.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';
import { SORT_KEYS } from '../../src/core/sort-keys.js';

let tree: Tree;
const A = '2026-11-28_22-10-03';
const B = '2026-11-29_09-41-17';
const C = '2026-11-29_14-05-09';
const D = '2026-11-29_14-05-09_2';

const cli = (...argv: string[]) => runCli([...tree.flags, ...argv]);
const normalize = (s: string) => s.split(tree.root).join('<root>');

beforeAll(() => {
  tree = makeTree();
  addRun(tree, A, {
    log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
    manifest: completedManifest(A, {
      started_at: '2026-11-28T22:10:03.000Z',
      finished_at: '2026-11-28T22:51:15.000Z',
      model: 'mlx-community/Qwen3-4B-Instruct-2507-4bit',
      data_dir: 'data/sql',
      lora_rank: 8,
      iters: 1000,
      tags: ['baseline'],
    }),
    adapterConfig: {
      model: 'mlx-community/Qwen3-4B-Instruct-2507-4bit',
      data: 'data/sql',
      lora_parameters: { rank: 8, scale: 20, dropout: 0 },
      iters: 1000,
      batch_size: 4,
    },
  });
  addRun(tree, B, {
    log: '13-mlxlm-0.29-resumed-fine-tuned-weights.log',
    manifest: completedManifest(B, {
      started_at: '2026-11-29T09:41:17.000Z',
      finished_at: '2026-11-29T09:52:00.000Z',
      model: 'mlx-community/Qwen3-4B-Instruct-2507-4bit',
      data_dir: 'data/sql',
      lora_rank: 16,
      iters: 400,
    }),
    adapterConfig: {
      model: 'mlx-community/Qwen3-4B-Instruct-2507-4bit',
      data: 'data/sql',
      lora_parameters: { rank: 16, scale: 20, dropout: 0.05 },
      iters: 400,
      batch_size: 4,
    },
  });
  // An adopted folder: a log and nothing else.
  addRun(tree, C, { log: '12-mlxlm-0.31-ctrl-c-keyboardinterrupt.log' });
  // Same second, no val loss at all.
  addRun(tree, D, {
    log: '04-mlxlm-0.10-abs-path-save-trunc-peak-mem.log',
    manifest: completedManifest(D, { started_at: '2026-11-29T14:05:09.500Z', status: 'failed', exit_code: 1 }),
  });
});

describe('runs list', () => {
  it('prints a table sorted by start, newest first', async () => {
    const r = await runCli([...tree.flags, 'list'], { columns: 120 });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'id                     status       model                           iters  best val (iter)  final train  tok/s  tags',
        '2026-11-29_14-05-09_2  failed       -                                 530  -                      0.962   2685  -',
        '2026-11-29_14-05-09    interrupted  -                            310/2000  0.982 (250)            0.781    315  -',
        '2026-11-29_09-41-17    completed    Qwen3-4B-Instruct-2507-4bit       400  1.127 (300)            0.966   1221  -',
        '2026-11-28_22-10-03    completed    Qwen3-4B-Instruct-2507-4bit      1000  1.071 (700)            0.912    798  baseline',
        '',
      ].join('\n'),
    );
  });

  it('fits an 80-column terminal: shorter headers, the model name cut to what is left', async () => {
    const r = await runCli([...tree.flags, 'list'], { columns: 80 });
    const lines = r.stdout.trimEnd().split('\n');
    // A stopped run's iters (310/2000) takes room: tok/s gives way, the model keeps what is left.
    expect(lines[0]).toBe('id                     status       model              iters  best val     train');
    expect(lines[3]).toBe('2026-11-29_09-41-17    completed    Qwen3-4B-Inst…       400  1.127 (300)  0.966');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('sorts by best val loss with runs without one last, also with --desc', async () => {
    const asc = JSON.parse((await cli('list', '--sort', 'val_loss', '--json')).stdout) as { id: string }[];
    expect(asc.map((r) => r.id)).toEqual([C, A, B, D]);
    const desc = JSON.parse((await cli('list', '--sort', 'val_loss', '--desc', '--json')).stdout) as { id: string }[];
    expect(desc.map((r) => r.id)).toEqual([B, A, C, D]);
    // --limit across the border between runs with a value and runs without.
    const ids = async (...argv: string[]) =>
      (JSON.parse((await cli('list', '--json', ...argv)).stdout) as { id: string }[]).map((r) => r.id);
    expect(await ids('--sort', 'val_loss', '--limit', '3')).toEqual([C, A, B]);
    expect(await ids('--sort', 'val_loss', '--limit', '4')).toEqual([C, A, B, D]);
    expect(await ids('--sort', 'val_loss', '--desc', '--limit', '2')).toEqual([B, A]);
  });

  it('--asc and --desc together are a usage error (exit 2), in either order', async () => {
    for (const argv of [
      ['--asc', '--desc'],
      ['--desc', '--asc'],
    ]) {
      const r = await cli('list', '--sort', 'val_loss', ...argv);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/cannot be used with option '--(asc|desc)'/);
    }
  });

  it('--limit N is the first N of the whole listing for every sort key and direction', async () => {
    const ids = async (...argv: string[]) =>
      (JSON.parse((await cli('list', '--json', ...argv)).stdout) as { id: string }[]).map((r) => r.id);
    for (const key of SORT_KEYS) {
      for (const dir of [[], ['--desc']]) {
        const all = await ids('--sort', key, ...dir);
        expect(all, key).toHaveLength(4);
        for (const n of [1, 2, 3])
          expect(await ids('--sort', key, ...dir, '--limit', String(n)), key).toEqual(all.slice(0, n));
      }
    }
  });

  it('--json objects carry the PRODUCT.md fields', async () => {
    const rows = JSON.parse((await cli('list', '--json', '--limit', '1', '--sort', 'val_loss')).stdout) as Record<
      string,
      unknown
    >[];
    expect(rows).toHaveLength(1);
    const fields = [
      'id',
      'status',
      'model',
      'started_at',
      'iters',
      'last_iter',
      'best_val_loss',
      'best_val_iter',
      'final_val_loss',
      'final_train_loss',
      'test_loss',
      'test_ppl',
      'checkpoints',
      'path',
    ];
    for (const f of fields) expect(rows[0]).toHaveProperty(f);
    expect(rows[0]).toMatchObject({
      id: C,
      status: 'interrupted',
      best_val_loss: 0.982,
      best_val_iter: 250,
      checkpoints: 3,
      last_iter: 310,
    });
  });

  it('--csv has a header row and one line per run', async () => {
    const r = await cli('list', '--csv', '--status', 'completed');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]!.startsWith('id,uid,status,model,')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${B},`);
  });

  it('--where filters on runs columns', async () => {
    const r = await cli('list', '--json', '--where', "lora_rank >= 16 and model like '%Qwen%'");
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual([B]);
  });

  it.each([
    ['1=1); drop table runs; --'],
    ['1=1) union select * from runs where (1=1'],
    ['id = 1 /* x */'],
    ['(select 1'],
    ['no_such_column > 1'],
  ])('--where %j is refused with exit 2 and the index unchanged', async (expr) => {
    const r = await cli('list', '--where', expr);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: --where/);
    const db = new Database(tree.db, { readonly: true });
    expect((db.prepare('select count(*) as n from runs').get() as { n: number }).n).toBe(4);
    db.close();
  });

  it('an incomplete --where is called incomplete, not a syntax error near a parenthesis the user never typed', async () => {
    for (const expr of ['best_val_loss <', 'lora_rank >= 16 and']) {
      const r = await cli('list', '--where', expr, '--status', 'completed', '--limit', '3');
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`Error: --where "${expr}" is not a valid filter: incomplete input\n`);
    }
  });

  it('an empty result says whether the filter or the tree is empty', async () => {
    const none = await cli('list', '--status', 'crashed');
    expect(none).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: 'no runs match (drop --status / --where to see them all)\n',
    });
    const empty = makeTree();
    const r = await runCli([...empty.flags, 'list']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^no runs yet: record one with `runs train`/);
    expect((await runCli([...empty.flags, 'list', '--json'])).stdout).toBe('[]\n');
  });

  it('a bad --sort key is a usage error (exit 2)', async () => {
    const r = await cli('list', '--sort', 'bogus');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("argument 'bogus' is invalid");
  });
});

describe('run references', () => {
  it.each([
    ['latest', D],
    ['latest~1', C],
    ['latest~3', A],
    ['2026-11-28', A],
    [B, B],
  ])('%s resolves to %s', async (ref, id) => {
    const r = await cli('show', ref, '--json');
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }).id).toBe(id);
  });

  it.each([
    ['2027', 1, /no run matches "2027"; newest runs: /],
    [
      '2026-11-29',
      1,
      /"2026-11-29" is ambiguous; it matches 2026-11-29_09-41-17, 2026-11-29_14-05-09, 2026-11-29_14-05-09_2/,
    ],
    ['latest~4', 1, /latest~4 goes past the oldest run: there are 4 run\(s\), so latest~3 is the oldest/],
    ['../..', 2, /not a run reference/],
    ['/etc/passwd', 2, /not a run reference/],
    ['latest/../../x', 2, /not a run reference/],
  ])('%s is refused (exit %i)', async (ref, code, message) => {
    const r = await cli('show', ref);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('runs show', () => {
  it('prints metadata, summary, checkpoints with the best marked, and a loss chart', async () => {
    const r = await cli('show', A);
    expect(r.exitCode).toBe(0);
    const out = normalize(r.stdout);
    expect(out).toContain(
      `run ${A}  (completed)\npath        <root>/${A}\nmodel       mlx-community/Qwen3-4B-Instruct-2507-4bit\n`,
    );
    expect(out).toContain('best val loss      1.071 @ 700\n');
    expect(out).toContain('test loss / ppl    1.083 / 2.954\n');
    expect(out).toContain(' 700     1.071  adapters/0000700_adapters.safetensors  ← best\n');
    expect(out).toContain('lora_parameters.rank     8\n');
    expect(out).toMatch(/\nloss\n2\.612 ┤○/);
  });

  it('--json has the list fields plus params and checkpoint_files', async () => {
    const j = JSON.parse((await cli('show', A, '--json')).stdout) as Record<string, any>;
    expect(j.params['lora_parameters.rank']).toBe(8);
    expect(j.checkpoint_files).toHaveLength(10);
    expect(j.checkpoint_files[6]).toEqual({
      iter: 700,
      file: 'adapters/0000700_adapters.safetensors',
      val_loss: 1.071,
    });
    expect(j.tags).toEqual(['baseline']);
  });
});

describe('runs diff', () => {
  it('shows changed config, metric deltas with verdicts and val loss at shared iterations', async () => {
    const r = await cli('diff', A, B);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^config\\s+${A}  ${B}\n`));
    expect(r.stdout).toMatch(/\niters\s+1000\s+400\n/);
    expect(r.stdout).toMatch(/\nlora_rank\s+8\s+16\n/);
    expect(r.stdout).toMatch(/\nlora_parameters\.dropout\s+0\s+0\.05\n/);
    expect(r.stdout).toMatch(/\ntags\s+baseline\s*\n/);
    expect(r.stdout).not.toMatch(/\nmodel\s/); // unchanged keys are hidden
    expect(r.stdout).toMatch(/\nbest val loss\s+1\.071\s+1\.127\s+\+0\.056 \(worse\)\n/);
    expect(r.stdout).toMatch(/\nval loss @ 300\s+1\.243\s+1\.127\s+-0\.116 \(better\)\n/);
    expect(r.stdout).not.toContain('val loss @ 500');
  });

  it('--all shows unchanged keys too; different data gets a note on stderr', async () => {
    const all = await cli('diff', A, B, '--all');
    expect(all.stdout).toMatch(/\nmodel\s+mlx-community\/Qwen3-4B-Instruct-2507-4bit\s+mlx-community/);
    const other = await cli('diff', A, C);
    expect(other.stderr).toContain('note: different base models');
  });

  it('--json gives one object per compared value', async () => {
    const rows = JSON.parse((await cli('diff', A, B, '--json')).stdout) as Record<string, unknown>[];
    expect(rows).toContainEqual({
      section: 'metric',
      key: 'best_val_loss',
      iter: null,
      a: 1.071,
      b: 1.127,
      delta: 0.056,
      verdict: 'worse',
      a_id: A,
      b_id: B,
    });
  });
});

describe('runs sql', () => {
  it('runs a reader and prints a table', async () => {
    const r = await cli(
      'sql',
      'select id, best_val_loss from runs where best_val_loss is not null order by best_val_loss',
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `id                   best_val_loss\n${C}          0.982\n${A}          1.071\n${B}          1.127\n`,
    );
    expect(r.stderr).toBe('');
  });

  it('prints headers for an empty result, CSV and JSON', async () => {
    expect((await cli('sql', 'select id, status from runs where 0', '--csv')).stdout).toBe('id,status\n');
    expect((await cli('sql', 'select id, status from runs where 0', '--json')).stdout).toBe('[]\n');
  });

  it('caps rows and says so on stderr', async () => {
    const r = await cli('sql', 'select * from metrics', '--limit', '5', '--csv');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(r.stderr).toBe('truncated at 5 rows (use --limit)\n');
  });

  it.each([
    'drop table runs',
    'delete from runs',
    'delete from runs returning *',
    "update runs set status = 'x'",
    "insert into runs (id, path, status, source, indexed_at) values ('x','x','x','x','x')",
    "attach database '/tmp/evil.db' as evil",
    'pragma writable_schema = 1',
    'select 1; drop table runs',
    "select load_extension('/tmp/x.so')",
    'create table t (x)',
    'vacuum',
  ])('refuses %j and leaves the database unchanged', async (q) => {
    const before = fs.readFileSync(tree.db);
    const r = await cli('sql', q);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: /);
    const db = new Database(tree.db, { readonly: true });
    expect((db.prepare('select count(*) as n from runs').get() as { n: number }).n).toBe(4);
    db.close();
    expect(fs.readFileSync(tree.db).equals(before)).toBe(true);
  });
});

describe('runs tag / note', () => {
  it('writes through to run.json (keeping unknown keys) and the index', async () => {
    const t = makeTree();
    addRun(t, A, {
      log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
      manifest: completedManifest(A, { custom_key: { kept: true } }),
    });
    const r = await runCli([...t.flags, 'tag', A, 'good', 'qwen']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`${A}: tags good, qwen\n`);
    await runCli([...t.flags, 'note', 'latest', 'lr too high']);
    const manifest = JSON.parse(fs.readFileSync(path.join(t.root, A, 'run.json'), 'utf8'));
    expect(manifest).toMatchObject({ tags: ['good', 'qwen'], note: 'lr too high', custom_key: { kept: true } });
    const q = await runCli([...t.flags, 'sql', 'select tags, note from runs', '--json']);
    expect(JSON.parse(q.stdout)).toEqual([{ tags: ['good', 'qwen'], note: 'lr too high' }]);
    await runCli([...t.flags, 'tag', A, 'good', '--remove']);
    expect(JSON.parse(fs.readFileSync(path.join(t.root, A, 'run.json'), 'utf8')).tags).toEqual(['qwen']);
  });

  it('refuses to rewrite a run.json it cannot parse', async () => {
    const t = makeTree();
    const dir = addRun(t, A, {
      log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
      manifest: '{"status": "compl',
    });
    const r = await runCli([...t.flags, 'tag', A, 'x']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/run\.json is not valid JSON.*runs never rewrites a run\.json it cannot read/);
    expect(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).toBe('{"status": "compl');
  });
});

describe('runs plot', () => {
  it('overlays train and val curves of several runs with a legend', async () => {
    const r = await cli('plot', A, B, '--width', '60', '--height', '8');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('loss');
    // The legend wraps to the width between entries: filled train, hollow val, one shape per run.
    expect(lines.slice(-2)).toEqual([`● ${A} train   ○ ${A} val`, `◆ ${B} train   ◇ ${B} val`]);
    expect(lines).toHaveLength(1 + 8 + 2 + 2);
  });

  it('colours only a terminal, and never with NO_COLOR', async () => {
    const argv = [...tree.flags, 'plot', A, '--width', '50', '--height', '6'];
    const env = { NO_COLOR: undefined };
    expect((await runCli(argv, { tty: true, env })).stdout).toContain('\x1b[');
    expect((await runCli(argv, { tty: false, env })).stdout).not.toContain('\x1b[');
    expect((await runCli(argv, { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    // The shape is the same either way: only colour depends on the terminal.
    const plain = (await runCli(argv, { tty: false, env })).stdout;
    // eslint-disable-next-line no-control-regex -- colour codes
    expect((await runCli(argv, { tty: true, env })).stdout.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('--metric learning_rate plots the schedule; an unknown metric is a usage error', async () => {
    const r = await cli('plot', A, '--metric', 'learning_rate', '--width', '50', '--height', '6');
    expect(r.stdout.split('\n')[0]).toBe('learning_rate');
    expect(r.stdout).toContain('2.0e-5 ┤');
    const bad = await cli('plot', A, '--metric', 'accuracy');
    expect(bad.exitCode).toBe(2);
  });
});
