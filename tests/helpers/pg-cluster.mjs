// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, pg_ctl on a loopback port,
// password auth over TCP (so a wrong password can be tested), fsync off (nothing here must survive
// a power cut). Used by the vitest helpers (tests/helpers/pg.ts) and by .ci/run:
//   node tests/helpers/pg-cluster.mjs start DIR   -> prints the superuser URL, cluster in DIR
//   node tests/helpers/pg-cluster.mjs stop DIR
// initdb refuses to run as root, so as root everything runs as the `postgres` system user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const SUPERUSER = 'postgres';
export const PASSWORD = 'runs-test-secret';

/** The directory holding initdb/pg_ctl, or null: RUNS_TEST_PG_BIN, PATH, then Debian's layout. */
export function findPgBin() {
  const candidates = [];
  if (process.env.RUNS_TEST_PG_BIN) candidates.push(process.env.RUNS_TEST_PG_BIN);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const v of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(path.join(debian, v, 'bin'));
  }
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

const asRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin, args) {
  const argv = asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(argv[0], argv[1], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** initdb + start; returns { dir, port, url } (url: the superuser, database `postgres`). */
export async function startCluster(dir) {
  const bin = findPgBin();
  if (!bin)
    throw new Error('initdb not found: install PostgreSQL (apt-get install -y postgresql) or set RUNS_TEST_PG_BIN');
  fs.mkdirSync(dir, { recursive: true });
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${PASSWORD}\n`);
  if (asRoot()) {
    // The postgres user must reach the directory (temp dirs are 0700) and own what it writes.
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['-R', 'postgres', dir]);
    for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    }
  }
  run(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    SUPERUSER,
    '--pwfile',
    pwfile,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  return restartCluster(dir, await freePort());
}

/** Starts (again) the cluster in dir on the given port. */
export function restartCluster(dir, port) {
  const bin = findPgBin();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=40`;
  run(path.join(bin, 'pg_ctl'), [
    '-D',
    path.join(dir, 'data'),
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    opts,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  fs.writeFileSync(path.join(dir, 'port'), String(port));
  return { dir, port, url: `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/postgres` };
}

/** The postmaster's pid (to kill it in fault tests), or null. */
export function postmasterPid(dir) {
  try {
    return Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

/** Stops the cluster at once (as a crash would: no shutdown checkpoint), keeping its data for restartCluster. */
export function haltCluster(dir) {
  run(path.join(findPgBin(), 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
}

export function stopCluster(dir) {
  const bin = findPgBin();
  if (bin && fs.existsSync(path.join(dir, 'data', 'postmaster.pid'))) {
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone (a fault test killed it)
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [cmd, dir] = process.argv.slice(2);
  if (cmd === 'start' && dir) console.log((await startCluster(path.resolve(dir))).url);
  else if (cmd === 'stop' && dir) stopCluster(path.resolve(dir));
  else {
    console.error('usage: node tests/helpers/pg-cluster.mjs start|stop DIR');
    process.exitCode = 2;
  }
}
