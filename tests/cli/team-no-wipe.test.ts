// A shared team database cannot be wiped from one machine, by construction: the team backend has
// no removal or clearing method at all (the local index's removeRuns / clear exist only on the
// SQLite LocalIndex the indexer holds), `--team` is refused for the commands that remove or
// rebuild, and what one machine removes or rebuilds locally never reaches the team's rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTeam, type TeamDatabase } from '../../src/db/index.js';
import { createDatabase, pgAvailable, type TestDatabase } from '../helpers/pg.js';
import { runCli } from '../helpers/run-cli.js';
import { addRun, completedManifest, makeTree, type Tree } from '../helpers/tree.js';

const HOST = 'wipe-host';
const IDS = ['2026-11-29_14-05-09', '2026-11-30_08-00-00'];
const REMOVAL = /clear|remove|delete|drop|truncate|wipe|purge/i;

/** Every method name an object answers to (own and inherited, up to Object.prototype). */
function methodNames(o: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (typeof (o as Record<string, unknown>)[k] === 'function' && k !== 'constructor') names.add(k);
    }
  }
  return [...names];
}

describe.skipIf(!pgAvailable)('the team database cannot be wiped from one machine', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let tree: Tree;
  let team: TeamDatabase;
  const env = () => ({ RUNS_TEAM_DB: db.url, RUNS_HOST: HOST });
  const teamRuns = async () => (await db.sql<{ n: string }>('select count(*) as n from runs'))[0]!.n;

  beforeAll(async () => {
    db = await createDatabase();
    tree = makeTree();
    IDS.forEach((id, i) => {
      addRun(tree, id, {
        log: '15-mlxlm-0.31-long-1000-iters-lr-schedule-test.log',
        manifest: completedManifest(id, { uid: `eeeeeeee-0000-4000-8000-00000000000${i}`, host: HOST }),
      });
    });
    expect((await runCli([...tree.flags, 'push'], { env: env() })).exitCode).toBe(0);
    team = await openTeam(db.url);
  });
  afterAll(async () => {
    await team?.close();
    await db?.drop();
  });

  it('the team backend and its reader have no removal or clearing method', () => {
    expect(methodNames(team).filter((m) => REMOVAL.test(m))).toEqual([]);
    expect(methodNames(team.reader()).filter((m) => REMOVAL.test(m))).toEqual([]);
    // The same at the type level: these lines compile only while the methods do not exist.
    // @ts-expect-error the team database has no clear()
    expect(team.clear).toBeUndefined();
    // @ts-expect-error the team database has no removeRuns()
    expect(team.removeRuns).toBeUndefined();
  });

  it.each([['index', '--rebuild'], ['index'], ['rm', IDS[0]!], ['prune', '--all']])(
    'runs --team %s is refused (exit 2), the team keeps its runs',
    async (...argv) => {
      const r = await runCli([...tree.flags, '--team', ...argv], { env: env() });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/--team works with .*; runs \w+ works on this machine's runs/);
      expect(await teamRuns()).toBe(String(IDS.length));
    },
  );

  it('a local rm and index --rebuild, then push: the team still holds every run', async () => {
    expect((await runCli([...tree.flags, 'rm', IDS[0]!], { env: env() })).exitCode).toBe(0);
    expect((await runCli([...tree.flags, 'index', '--rebuild'], { env: env() })).exitCode).toBe(0);
    expect((await runCli([...tree.flags, 'push'], { env: env() })).exitCode).toBe(0);
    expect(await teamRuns()).toBe(String(IDS.length));
    const list = await runCli(['--team', 'list', '--json'], { env: env() });
    expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id).sort()).toEqual(
      IDS.map((id) => `${HOST}:${id}`),
    );
  });
});
