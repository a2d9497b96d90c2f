// Fails when a schema and its committed migrations disagree: src/db/schema.ts vs migrations/ (the
// local SQLite index) and src/db/team-schema.ts vs migrations-pg/ (the team PostgreSQL database,
// built from the same columns). `drizzle-kit check` does not catch that (it only finds two
// migrations made from the same parent), so for each: copy the folder to a scratch one, run
// `drizzle-kit generate` into it, and fail if it wrote anything.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TARGETS = [
  { folder: 'migrations', config: 'drizzle.config.ts', schema: 'src/db/schema.ts', generate: 'db:generate' },
  {
    folder: 'migrations-pg',
    config: 'drizzle-pg.config.ts',
    schema: 'src/db/team-schema.ts',
    generate: 'db:generate:pg',
  },
];

const listing = (dir) =>
  fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => `${f}:${fs.readFileSync(path.join(dir, f), 'utf8')}`);

for (const t of TARGETS) {
  const scratch = `.${t.folder}-check`; // drizzle-kit wants a relative --out
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.cpSync(t.folder, scratch, { recursive: true });
  try {
    const before = listing(scratch);
    execFileSync(path.join('node_modules', '.bin', 'drizzle-kit'), ['generate', '--config', t.config], {
      env: { ...process.env, DRIZZLE_OUT: `./${scratch}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const after = listing(scratch);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      const added = after.filter((f) => !before.includes(f)).map((f) => f.split(':')[0]);
      console.error(
        `${t.schema} and ${t.folder}/ disagree: drizzle-kit generate would write ${added.join(', ')}.\n` +
          `Run \`npm run ${t.generate} -- --name <what-changed>\` and commit the new migration.`,
      );
      process.exitCode = 1;
    } else {
      console.log(`${t.folder}/ matches ${t.schema}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
