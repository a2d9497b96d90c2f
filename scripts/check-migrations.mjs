// Fails when src/db/schema.ts and the committed migrations/ disagree. `drizzle-kit check` does not
// catch that (it only finds two migrations made from the same parent), so: copy migrations/ to a
// scratch folder, run `drizzle-kit generate` into it, and fail if it wrote anything.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const scratch = '.migrations-check'; // drizzle-kit wants a relative --out
fs.rmSync(scratch, { recursive: true, force: true });
fs.cpSync('migrations', scratch, { recursive: true });

const listing = (dir) =>
  fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => `${f}:${fs.readFileSync(path.join(dir, f), 'utf8')}`);

try {
  const before = listing(scratch);
  execFileSync(path.join('node_modules', '.bin', 'drizzle-kit'), ['generate'], {
    env: { ...process.env, DRIZZLE_OUT: `./${scratch}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const after = listing(scratch);
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    const added = after.filter((f) => !before.includes(f)).map((f) => f.split(':')[0]);
    console.error(
      `schema and migrations disagree: drizzle-kit generate would write ${added.join(', ')}.\n` +
        'Run `npm run db:generate -- --name <what-changed>` and commit the new migration.',
    );
    process.exitCode = 1;
  } else {
    console.log('migrations match src/db/schema.ts');
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
