// `npm run check`: everything a change must pass, in order, stopping at the first failure:
// typecheck, lint, format check, schema/migration agreement, then the test suite. Arguments go to
// the test step (`.ci/run` adds its JSON reporter there): `npm run check -- --reporter=dot`.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['format', ['run', 'format:check']],
  ['db:check', ['run', 'db:check']],
  ['test', ['test', '--', ...process.argv.slice(2)]],
];

for (const [name, args] of steps) {
  console.log(`\ncheck: ${name} (npm ${args.join(' ')})`);
  const r = spawnSync(npm, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`check: ${name} failed${r.signal ? ` (${r.signal})` : ''}; later steps not run`);
    process.exit(r.status ?? 1);
  }
}
console.log('\ncheck: all passed');
