// `runs --version` is package.json's version, in the source and in the shipped bundle (the bundle
// inlines package.json at build time: a release that bumps it must not print an old number).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const version = (JSON.parse(fs.readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('runs --version', () => {
  it('prints package.json version (source)', async () => {
    const r = await runCli(['--version']);
    expect(r).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints package.json version (dist/runs.mjs)', () => {
    const out = execFileSync(process.execPath, [BIN, '-V'], { encoding: 'utf8' });
    expect(out).toBe(`${version}\n`);
  });
});
