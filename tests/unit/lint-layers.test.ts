// The layer arrows (docs/ARCHITECTURE.md) fire: the repository's own eslint.config.js, through
// ESLint's Node API, on small sources placed as files of each layer. Only the type-aware rules are
// switched off (typescript-eslint's disableTypeChecked), so no TypeScript program is built; the
// import rules are the real ones.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT as REPO_ROOT } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: REPO_ROOT, overrideConfig: tseslint.configs.disableTypeChecked });

/** The layer-rule messages ESLint reports for `code` as the file `file` (relative to the repo). */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.fatal === true)
    .map((m) => m.message);
}

const value = (from: string): string => `import { x } from '${from}';\nexport const y = x;\n`;
const typeOnly = (from: string): string => `import type { X } from '${from}';\nexport type Y = X;\n`;

// What each folder of src/ may import besides itself: the arrows, written out here as the spec.
const ARROWS: Record<string, string[]> = {
  core: [],
  parse: ['core'],
  storage: ['core'],
  db: ['core'],
  trainer: ['core', 'storage'],
  indexer: ['core', 'parse', 'storage', 'db', 'trainer'],
  ui: ['core', 'db', 'storage'],
  commands: ['core', 'parse', 'storage', 'db', 'indexer', 'trainer', 'ui'],
  cli: ['commands', 'core'],
};
const FOLDERS = Object.keys(ARROWS);

describe('lint: layer arrows', () => {
  const cases = FOLDERS.flatMap((from) =>
    FOLDERS.filter((to) => to !== from).map((to) => [from, to, ARROWS[from]!.includes(to)] as const),
  );

  it.each(cases)('src/%s → %s: allowed %s', async (from, to, allowed) => {
    const errors = await importErrors(`src/${from}/layer-probe.ts`, value(`../${to}/thing.js`));
    if (allowed) expect(errors).toEqual([]);
    else expect(errors).toEqual([expect.stringContaining(`layer arrow: src/${from} may import`)]);
  });

  it('src/core/x.ts importing ../db/index.js is refused, ./records.js is fine', async () => {
    expect(await importErrors('src/core/x.ts', value('../db/index.js'))).toEqual([
      "'../db/index.js' import is restricted from being used by a pattern. layer arrow: src/core may import nothing of ours but core (docs/ARCHITECTURE.md), not db.",
    ]);
    expect(await importErrors('src/core/x.ts', value('./records.js'))).toEqual([]);
  });

  it('holds in sub-folders too (../../db from src/parse/mlx-line/)', async () => {
    expect(await importErrors('src/parse/mlx-line/x.ts', value('../../db/index.js'))).toHaveLength(1);
    expect(await importErrors('src/parse/mlx-line/x.ts', value('../../core/records.js'))).toEqual([]);
    expect(await importErrors('src/parse/mlx-line/x.ts', value('../numbers.js'))).toEqual([]);
  });

  it('keeps core and parse pure: no node: modules, no database driver', async () => {
    for (const file of ['src/core/x.ts', 'src/parse/x.ts']) {
      for (const mod of ['node:fs', 'node:child_process', 'better-sqlite3', 'pg']) {
        expect(await importErrors(file, value(mod))).toEqual([expect.stringContaining('is pure (no I/O)')]);
      }
      expect(await importErrors(file, value('zod/mini'))).toEqual([]);
    }
    expect(await importErrors('src/storage/x.ts', value('node:fs'))).toEqual([]);
  });

  it('only trainer/spawn.ts and trainer/probe.ts start processes', async () => {
    for (const file of ['src/indexer/x.ts', 'src/commands/x.ts', 'src/storage/x.ts', 'src/trainer/command.ts']) {
      expect(await importErrors(file, value('node:child_process'))).toEqual([
        expect.stringContaining('start processes'),
      ]);
    }
    expect(await importErrors('src/trainer/spawn.ts', value('node:child_process'))).toEqual([]);
    expect(await importErrors('src/trainer/probe.ts', value('node:child_process'))).toEqual([]);
    expect(await importErrors('src/trainer/probe.ts', value('../db/index.js'))).toHaveLength(1);
  });

  it('a command does not import another command (context.js is shared)', async () => {
    expect(await importErrors('src/commands/new-command.ts', value('./list.js'))).toEqual([
      expect.stringContaining('a command does not import another command'),
    ]);
    expect(await importErrors('src/commands/new-command.ts', value('./context.js'))).toEqual([]);
  });

  it('type-only imports may cross where values may not (cli → db, indexer, storage)', async () => {
    for (const to of ['db', 'indexer', 'storage']) {
      expect(await importErrors('src/cli/x.ts', typeOnly(`../${to}/thing.js`))).toEqual([]);
      expect(await importErrors('src/cli/x.ts', value(`../${to}/thing.js`))).toHaveLength(1);
    }
    expect(await importErrors('src/core/x.ts', typeOnly('../db/index.js'))).toHaveLength(1);
  });

  it('the local index loads no drizzle: db/ outside the schema and the team backend imports it for types only', async () => {
    for (const file of ['src/db/sqlite-reads.ts', 'src/db/client.ts', 'src/db/new-module.ts']) {
      expect(await importErrors(file, value('drizzle-orm'))).toEqual([expect.stringContaining('loads no drizzle')]);
      expect(await importErrors(file, value('drizzle-orm/sqlite-core'))).toHaveLength(1);
      expect(await importErrors(file, value('./schema.js'))).toEqual([expect.stringContaining('loads drizzle')]);
      expect(await importErrors(file, typeOnly('drizzle-orm'))).toEqual([]);
      expect(await importErrors(file, typeOnly('./schema.js'))).toEqual([]);
      expect(await importErrors(file, value('./columns.js'))).toEqual([]);
      // The layer arrows still hold in these files.
      expect(await importErrors(file, value('../indexer/sync.js'))).toEqual([
        expect.stringContaining('layer arrow: src/db may import'),
      ]);
    }
    for (const file of ['src/db/schema.ts', 'src/db/team.ts', 'src/db/team-schema.ts']) {
      expect(await importErrors(file, value('drizzle-orm'))).toEqual([]);
    }
    expect(await importErrors('src/db/team.ts', value('./schema.js'))).toEqual([]);
  });

  it('the browser page (ui/app.ts, ui/series.ts) imports core only and no Node module', async () => {
    for (const file of ['src/ui/app.ts', 'src/ui/series.ts']) {
      expect(await importErrors(file, value('../core/run-json.js'))).toEqual([]);
      expect(await importErrors(file, value('../db/index.js'))).toEqual([expect.stringContaining('the browser page')]);
      expect(await importErrors(file, value('../storage/layout.js'))).toHaveLength(1);
      expect(await importErrors(file, value('node:fs'))).toEqual([expect.stringContaining('no Node modules')]);
      expect(await importErrors(file, value('./dashboard-data.js'))).toHaveLength(1);
      expect(await importErrors(file, typeOnly('./dashboard-data.js'))).toEqual([]);
    }
    expect(await importErrors('src/ui/app.ts', value('./series.js'))).toEqual([]);
    // The server side of ui/ may read the index and the run folders.
    expect(await importErrors('src/ui/dashboard-data.ts', value('../db/index.js'))).toEqual([]);
  });
});
