// When `runs` warns: once per problem per command run (not twice, not never), and not at all about
// a file the trainer of a running run is still writing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LOG = '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log';
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function tempTree(): Tree {
  const tree = makeTree('runs-warnings-');
  made.push(tree.dir);
  return tree;
}
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('warn once', () => {
  it.each([
    ['runs tag', (id: string) => ['tag', id, 'x']],
    ['runs note', (id: string) => ['note', id, 'hello']],
  ])('%s says a problem once, and again (once) in the next command run', async (_name, argv) => {
    const tree = tempTree();
    const id = '2026-01-01_00-00-00';
    addRun(tree, id, { log: LOG, manifest: completedManifest(id), config: 'model: [unclosed\n' });
    const problem = `${id}/config.yaml could not be parsed`;
    // The first command indexes the new folder (freshness) and then re-reads the run it changed.
    for (let call = 0; call < 3; call++) {
      const r = await runCli([...tree.flags, ...argv(id)]);
      expect(r.exitCode).toBe(0);
      expect(count(r.stderr, problem), `call ${call}: ${r.stderr}`).toBe(1);
    }
  });
});

describe('a running run whose trainer is still writing a config file', () => {
  // This process stands in for the recorder: a live pid on this host (and no heartbeat yet) that
  // started before the run did (a younger process with that pid would be a reused pid: crashed).
  const running = (id: string) =>
    completedManifest(id, {
      status: 'running',
      finished_at: null,
      exit_code: null,
      host: os.hostname(),
      pid: process.pid,
      started_at: new Date().toISOString(),
    });
  const half = '{\n    "model": "mlx-community/Qwen3-0.6B-4bit",\n    "lora_parameters": {\n        "ra';
  const whole =
    '{\n    "model": "mlx-community/Qwen3-0.6B-4bit",\n    "lora_parameters": {\n        "rank": 16\n    }\n}\n';

  it('says nothing about a half-written adapter_config.json, and reads it once it is whole', async () => {
    const tree = tempTree();
    const id = '2026-01-01_00-00-00';
    const dir = addRun(tree, id, { log: LOG, manifest: running(id) });
    const file = path.join(dir, 'adapters', 'adapter_config.json');
    fs.writeFileSync(file, half);
    for (const argv of [['index'], ['list', '--json']]) {
      const r = await runCli([...tree.flags, ...argv]);
      expect(r.exitCode).toBe(0);
      expect(r.stderr).not.toMatch(/warning/);
    }
    const db = () => {
      const d = new Database(tree.db, { readonly: true });
      try {
        return d.prepare('select status, model, lora_rank, warnings from runs').get();
      } finally {
        d.close();
      }
    };
    expect(db()).toEqual({ status: 'running', model: null, lora_rank: null, warnings: null });

    fs.writeFileSync(file, whole);
    const r = await runCli([...tree.flags, 'list', '--json']);
    expect(r.stderr).not.toMatch(/warning/);
    expect(db()).toEqual({ status: 'running', model: 'mlx-community/Qwen3-0.6B-4bit', lora_rank: 16, warnings: null });
  });

  it('still warns about it once the run has ended', async () => {
    const tree = tempTree();
    const id = '2026-01-01_00-00-00';
    const dir = addRun(tree, id, { log: LOG, manifest: completedManifest(id) });
    fs.writeFileSync(path.join(dir, 'adapters', 'adapter_config.json'), half);
    const r = await runCli([...tree.flags, 'index']);
    expect(count(r.stderr, `${id}/adapters/adapter_config.json could not be read`)).toBe(1);
  });
});
