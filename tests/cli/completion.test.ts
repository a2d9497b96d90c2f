// runs completion: the bash script is run in a real bash (the shell is what uses it), with the
// completion words set as bash sets them on Tab.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

let tree: Tree;
let binDir: string;
const A = '2026-11-28_22-10-03';
const B = '2026-11-29_09-41-17';

beforeAll(() => {
  tree = makeTree();
  addRun(tree, A, {
    log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
    manifest: completedManifest(A, { started_at: '2026-11-28T22:10:03.000Z' }),
  });
  addRun(tree, B, {
    log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
    manifest: completedManifest(B, { started_at: '2026-11-29T09:41:17.000Z' }),
  });
  // `runs` on PATH, as the script calls it: the shipped bundle.
  binDir = path.join(tree.dir, 'bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(path.join(binDir, 'runs'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
});

afterAll(() => fs.rmSync(tree.dir, { recursive: true, force: true }));

/** What bash offers on Tab after these words (the last is the one being completed), run in `cwd`. */
async function completeWords(words: string[], cwd = tree.dir): Promise<string[]> {
  const script = (await runCli(['completion', 'bash'])).stdout;
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`);
  const program = `${script}
COMP_WORDS=(${quoted.join(' ')}); COMP_CWORD=${words.length - 1}
_runs_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', program], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, RUNS_ROOT: tree.root, RUNS_DB: tree.db },
  });
  return out.split('\n').filter(Boolean);
}

const complete = (line: string) => completeWords(line.split(' '));

describe('runs completion', () => {
  it("bash: commands, a command's flags, sort keys and run ids", async () => {
    expect(await complete('runs pr')).toEqual(['prune']);
    expect(await complete('runs list --s')).toEqual(['--sort', '--status']);
    expect(await complete('runs list --sort val')).toEqual(['val_loss']);
    expect(await complete('runs best --by tok')).toEqual(['tokens_per_sec']);
    expect(await complete('runs show 2026-11-2')).toEqual([B, A]); // newest first
    expect(await complete('runs diff la')).toEqual(['latest']);
  });

  it('ids are offered as they are (quoted for the shell): never split, globbed or expanded', async () => {
    const odd = makeTree('runs-completion-odd-');
    try {
      const ids = ['exp 1', 'q?r', '$(touch PWNED)', "it's"];
      for (const [i, id] of ids.entries())
        addRun(odd, id, {
          log: '09-mlxlm-0.19-report-every-step-lr-decay-end-of-run.log',
          manifest: completedManifest(id, { started_at: `2026-11-2${i}T10:00:00.000Z` }),
        });
      // A file the unquoted `$(...)` of the old script globbed `q?r` against.
      const cwd = fs.mkdtempSync(path.join(odd.dir, 'cwd-'));
      fs.writeFileSync(path.join(cwd, 'qar'), '');
      // --root and --db on the line are the tree the ids come from (and the command is found after them).
      const at = (...words: string[]) => completeWords(['runs', '--root', odd.root, '--db', odd.db, ...words], cwd);
      expect(await at('show', 'ex')).toEqual(['exp\\ 1']);
      expect(await at('show', 'q')).toEqual(['q\\?r']);
      expect(await at('show', '$')).toEqual(['\\$\\(touch\\ PWNED\\)']);
      expect(await at('show', 'it')).toEqual(["it\\'s"]);
      expect((await at('show', '')).sort()).toEqual(
        ['latest', 'exp\\ 1', 'q\\?r', '\\$\\(touch\\ PWNED\\)', "it\\'s"].sort(),
      );
      expect(fs.readdirSync(cwd)).toEqual(['qar']); // nothing ran
      expect(await at('list', '--so')).toEqual(['--sort']);
    } finally {
      fs.rmSync(odd.dir, { recursive: true, force: true });
    }
  });

  it('the global options are offered before the command', async () => {
    expect((await complete('runs --te')).sort()).toEqual(['--team', '--team-db']);
    expect(await complete('runs --team sh')).toEqual(['show']);
  });

  it('--ids prints the run ids, newest first, on stdout only', async () => {
    expect(await runCli([...tree.flags, 'completion', '--ids'])).toEqual({
      exitCode: 0,
      stdout: `${B}\n${A}\n`,
      stderr: '',
    });
  });

  it.each(['zsh', 'fish'])('%s: a script naming every command', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.exitCode).toBe(0);
    for (const name of ['train', 'list', 'best', 'prune', 'completion']) expect(r.stdout).toContain(name);
    expect(r.stdout).toContain('completion --ids');
  });

  it('an unknown or missing shell is a usage error (exit 2)', async () => {
    expect((await runCli(['completion', 'tcsh'])).exitCode).toBe(2);
    const r = await runCli(['completion']);
    expect(r).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'Error: name the shell: runs completion bash, zsh or fish\n',
    });
  });
});
