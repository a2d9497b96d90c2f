// All 18 fixture logs indexed by the shipped bundle equal the in-process result, row for row.
// Why a real process: the bundle loads some code lazily (the YAML parser of config.yaml, each
// command's chunk), and a chunk can behave differently from the TypeScript source the in-process
// tests import (a CommonJS dependency's dynamic import exposes only `default` in a chunk).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpIndex } from '../helpers/index-dump.js';
import { BIN, FIXTURE_LOGS } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const LOGS = fs
  .readdirSync(FIXTURE_LOGS)
  .filter((f) => f.endsWith('.log'))
  .sort();
const made: Tree[] = [];
afterAll(() => {
  for (const t of made) fs.rmSync(t.dir, { recursive: true, force: true });
});

/** A config.yaml as users write them: nested lora_parameters, a repeated key (the last wins). */
const configYaml = (i: number) =>
  `model: mlx-community/Model-${i}-4bit\niters: ${100 * (i + 1)}\nbatch_size: 4\nbatch_size: ${2 + (i % 3)}\n` +
  `learning_rate: 1.0e-5\nlora_parameters:\n  rank: ${8 + i}\n  scale: 20.0\n  dropout: 0.05\ndata: data/set-${i}\n`;

function fixtureTree(withConfig: boolean): Tree {
  const tree = makeTree('runs-bundle-fixtures-');
  made.push(tree);
  LOGS.forEach((log, i) => {
    const id = `2026-03-01_00-00-${String(i).padStart(2, '0')}`;
    addRun(tree, id, {
      log,
      // Half adopted folders (train.log [+ config.yaml] only), half recorded by `runs train`.
      manifest: i % 2 === 0 ? undefined : completedManifest(id),
      config: withConfig ? configYaml(i) : undefined,
    });
  });
  return tree;
}

describe('the bundle indexes every fixture as the source does (spawn)', () => {
  it.each([
    ['without config.yaml', false],
    ['with config.yaml', true],
  ])('18 fixtures, %s', async (_label, withConfig) => {
    const tree = fixtureTree(withConfig);
    const bundled = spawnSync(process.execPath, [BIN, ...tree.flags, 'index'], { encoding: 'utf8' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toBe('');
    expect(bundled.stderr).not.toMatch(/warning/);
    const viaBundle = dumpIndex(tree.db);

    const sourceDb = path.join(tree.dir, 'source.db');
    const r = await runCli(['--root', tree.root, '--db', sourceDb, 'index']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    const viaSource = dumpIndex(sourceDb);

    expect(viaBundle.runs).toHaveLength(LOGS.length);
    expect(viaBundle).toEqual(viaSource);
    for (const run of viaBundle.runs as Record<string, unknown>[])
      expect(run.warnings ?? null, String(run.id)).toBeNull();
    if (withConfig) {
      // What only config.yaml says reached the index (an adopted folder has nothing else).
      const adopted = viaBundle.runs[0] as Record<string, unknown>;
      expect(adopted).toMatchObject({ model: 'mlx-community/Model-0-4bit', iters: 100, batch_size: 2, lora_rank: 8 });
      expect(viaBundle.params.length).toBeGreaterThan(LOGS.length * 5);
    }
  });
});
