// Hostile files inside run folders (issue #10, items 11, 15 and the deep run.json of 14): links
// out of the root are never read, odd keys survive, absurd nesting or sizes never lose a run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FAKE_TRAINER } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, fixtureBytes, makeTree, type Tree } from '../helpers/tree.js';

const LOG = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log';
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

let outside: string;
const trees: Tree[] = [];
const tree = (prefix: string) => {
  const t = makeTree(prefix);
  trees.push(t);
  return t;
};
beforeAll(() => {
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-outside-'));
});
afterAll(() => {
  for (const t of trees) fs.rmSync(t.dir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("a run's files that resolve outside the root are never read (item 11)", () => {
  it('symlinked adapter_config.json, train.log, config.yaml and a symlinked adapters/: skipped with a warning each', async () => {
    const t = tree('runs-links-');
    const secret = path.join(outside, 'credentials.json');
    fs.writeFileSync(secret, JSON.stringify({ hf_token: 'hf_SECRET_TOKEN', lora_parameters: { rank: 64 } }));
    const foreignLog = path.join(outside, 'shadow.log');
    fs.writeFileSync(foreignLog, fixtureBytes(LOG));
    const foreignYaml = path.join(outside, 'secret.yaml');
    fs.writeFileSync(foreignYaml, 'model: SECRET_MODEL\napi_key: SECRET_YAML\n');
    const adapterDir = path.join(outside, 'adapters-elsewhere');
    fs.mkdirSync(adapterDir);
    fs.writeFileSync(path.join(adapterDir, 'adapter_config.json'), JSON.stringify({ hf_token: 'hf_DIR_TOKEN' }));

    const A = '2026-07-01_00-00-01';
    const dirA = addRun(t, A, { log: LOG, manifest: completedManifest(A) });
    fs.symlinkSync(secret, path.join(dirA, 'adapters', 'adapter_config.json'));
    fs.symlinkSync(foreignYaml, path.join(dirA, 'config.yaml'));
    const B = '2026-07-01_00-00-02';
    const dirB = addRun(t, B, { manifest: completedManifest(B) });
    fs.symlinkSync(foreignLog, path.join(dirB, 'train.log'));
    fs.rmSync(path.join(dirB, 'adapters'), { recursive: true });
    fs.symlinkSync(adapterDir, path.join(dirB, 'adapters'));
    // A link that stays inside the root is fine.
    const C = '2026-07-01_00-00-03';
    const dirC = addRun(t, C, { manifest: completedManifest(C) });
    fs.copyFileSync(path.join(dirA, 'train.log'), path.join(t.root, 'shared.log'));
    fs.symlinkSync(path.join(t.root, 'shared.log'), path.join(dirC, 'train.log'));

    const r = await runCli([...t.flags, 'index']);
    expect(r.exitCode).toBe(0);
    for (const f of [
      `${A}/adapters/adapter_config.json`,
      `${A}/config.yaml`,
      `${B}/train.log`,
      `${B}/adapters/adapter_config.json`,
    ]) {
      expect(r.stderr).toContain(`${f} resolves outside the runs root`);
    }
    expect(r.stderr).not.toContain(C);

    const dump = await runCli([
      ...t.flags,
      'sql',
      '--json',
      "select r.id, r.model, r.lora_rank, (select group_concat(p.key || '=' || p.value) from params p where p.run_id = r.id) as params, (select count(*) from metrics m where m.run_id = r.id) as metrics from runs r order by r.id",
    ]);
    expect(dump.exitCode).toBe(0);
    expect(dump.stdout).not.toMatch(/SECRET|hf_/);
    const rows = JSON.parse(dump.stdout) as { id: string; metrics: number }[];
    expect(rows.map((x) => [x.id, x.metrics > 0])).toEqual([
      [A, true],
      [B, false],
      [C, true],
    ]);
  });

  it('runs tag refuses a run.json that links out of the root, and leaves the target alone', async () => {
    const t = tree('runs-link-manifest-');
    const target = path.join(outside, 'victim.json');
    fs.writeFileSync(target, JSON.stringify({ id: 'x', tags: [] }));
    const id = '2026-07-02_00-00-01';
    const dir = addRun(t, id, { log: LOG });
    fs.symlinkSync(target, path.join(dir, 'run.json'));
    const r = await runCli([...t.flags, 'tag', id, 'x']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^(warning: [^\n]*\n)*Error: [^\n]*run\.json resolves outside the runs root [^\n]*\n$/);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toEqual({ id: 'x', tags: [] });
    expect(fs.lstatSync(path.join(dir, 'run.json')).isSymbolicLink()).toBe(true);
  });
});

describe('hostile files handled right (item 15, and the deep run.json of item 14)', () => {
  it('a __proto__ key in run.json survives runs tag, as a plain key', async () => {
    const t = tree('runs-proto-');
    const id = '2026-07-03_00-00-01';
    const dir = addRun(t, id, {
      log: LOG,
      manifest: `{"id":"${id}","status":"completed","__proto__":{"polluted":true},"tags":[]}`,
    });
    const r = await runCli([...t.flags, 'tag', id, 'kept']);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'run.json'), 'utf8');
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.hasOwn(raw, '__proto__')).toBe(true);
    expect(raw['__proto__']).toEqual({ polluted: true });
    expect(raw.tags).toEqual(['kept']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a 100,000-deep adapter_config.json: the run is indexed without it, the warning names the file', async () => {
    const t = tree('runs-deep-adapter-');
    const id = '2026-07-04_00-00-01';
    const dir = addRun(t, id, { log: LOG, manifest: completedManifest(id, { lora_rank: 8 }) });
    fs.writeFileSync(path.join(dir, 'adapters', 'adapter_config.json'), `{"a":${deep(100_000)}}`);
    const r = await runCli([...t.flags, 'index']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`${id}/adapters/adapter_config.json nests deeper than 1000 levels`);
    const list = await runCli([...t.flags, 'list', '--json']);
    expect((JSON.parse(list.stdout) as { id: string; lora_rank: number }[]).map((x) => [x.id, x.lora_rank])).toEqual([
      [id, 8],
    ]);
  });

  it('runs tag on a 100,000-deep run.json: one line, exit 1, the file untouched', async () => {
    const t = tree('runs-deep-manifest-');
    const id = '2026-07-05_00-00-01';
    const text = `{"id":"${id}","deep":${deep(100_000)}}`;
    const dir = addRun(t, id, { log: LOG, manifest: text });
    const r = await runCli([...t.flags, 'tag', id, 'x']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^(warning: [^\n]*\n)*Error: [^\n]*run\.json nests deeper than 1000 levels; fix or move that file[^\n]*\n$/,
    );
    expect(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).toBe(text);
  });

  it('a 5 MB config value: the recorder still records the outcome in a run.json runs can read', () => {
    // Real process: the recorder's first and last writes of run.json, with the stand-in trainer.
    const t = tree('runs-big-config-');
    const cfg = path.join(t.dir, 'big.yaml');
    fs.writeFileSync(cfg, `model: ${'m'.repeat(5 * 1024 * 1024)}\niters: 10\n`);
    const env = { ...process.env };
    delete env.RUNS_TRAINER;
    const r = spawnSync(
      process.execPath,
      [BIN, ...t.flags, 'train', '--config', cfg, '--trainer', `${process.execPath} ${FAKE_TRAINER}`],
      { cwd: t.dir, env, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const [id] = fs.readdirSync(t.root).filter((n) => /^\d{4}-/.test(n));
    const file = path.join(t.root, id!, 'run.json');
    expect(fs.statSync(file).size).toBeLessThan(1024 * 1024);
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(m).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(m.warnings).toEqual([
      expect.stringMatching(/^model is 5242880 characters; run\.json keeps the first 65536/),
    ]);
    // config.yaml, what the trainer read, is whole.
    expect(fs.statSync(path.join(t.root, id!, 'config.yaml')).size).toBe(fs.statSync(cfg).size);
  }, 60_000);
});
