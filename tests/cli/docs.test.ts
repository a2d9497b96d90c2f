// Every command is documented: a description, help ending in an example, and a README mention.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { createContext } from '../../src/main.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const ctx = createContext({
  io: { stdout: { write: () => true }, stderr: { write: () => true } },
  processEnv: {},
  cwd: process.cwd(),
  now: () => new Date(),
});
const commands = createProgram(ctx).commands.map((c) => c.name());
const readme = fs.readFileSync(`${PROJECT_ROOT}README.md`, 'utf8');

describe('docs', () => {
  it('has the commands PRODUCT.md names', () => {
    expect(commands).toEqual(
      expect.arrayContaining(['train', 'index', 'list', 'show', 'diff', 'sql', 'plot', 'tag', 'note']),
    );
  });

  it.each(commands)('runs %s --help has a summary and an example, on stdout, exit 0', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: runs ${name}`));
    expect(r.stdout.trimEnd()).toMatch(/\nExample:\n( {2}runs .+\n?)+$/);
    const description = createProgram(ctx)
      .commands.find((c) => c.name() === name)!
      .description();
    expect(description.length).toBeGreaterThan(10);
  });

  it.each(commands)('README mentions runs %s', (name) => {
    expect(readme).toContain(`runs ${name}`);
  });

  it('README starts with the set-up-and-run and the test commands', () => {
    const firstBlock = /```(?:sh|bash)?\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm ci');
    expect(firstBlock).toContain('npm test');
  });
});
