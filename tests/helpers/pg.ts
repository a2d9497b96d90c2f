// A real PostgreSQL for the team tests: RUNS_TEST_PG_URL (CI starts one, .ci/run), or one shared
// throwaway cluster started by the first test that needs it (under a lock, for the whole run;
// global-setup.ts stops it). Each test file gets its own database, dropped afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { findPgBin, startCluster } from './pg-cluster.mjs';

export const pgAvailable = Boolean(process.env.RUNS_TEST_PG_URL) || findPgBin() !== null;

async function sharedServerUrl(): Promise<string> {
  if (process.env.RUNS_TEST_PG_URL) return process.env.RUNS_TEST_PG_URL;
  const state = inject('pgState');
  const urlFile = path.join(state, 'url');
  try {
    fs.mkdirSync(path.join(state, 'lock'));
  } catch {
    // Another test file is starting it: wait for its URL.
    for (let i = 0; i < 1200 && !fs.existsSync(urlFile); i++) await new Promise((r) => setTimeout(r, 100));
    if (!fs.existsSync(urlFile))
      throw new Error("the shared PostgreSQL did not start (see the other test file's error)");
    return fs.readFileSync(urlFile, 'utf8');
  }
  const { url } = await startCluster(path.join(state, 'cluster'));
  fs.writeFileSync(`${urlFile}.tmp`, url);
  fs.renameSync(`${urlFile}.tmp`, urlFile);
  return url;
}

/** `url` with another database name (and optionally other credentials). */
export function withDatabase(url: string, database: string, auth?: { user: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (auth) {
    u.username = auth.user;
    u.password = auth.password;
  }
  return u.toString();
}

export interface TestDatabase {
  /** Superuser URL of this database. */
  url: string;
  admin: string;
  name: string;
  /** One query as the superuser. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createDatabase(adminUrl?: string): Promise<TestDatabase> {
  const admin = adminUrl ?? (await sharedServerUrl());
  const name = `runs_test_${randomBytes(5).toString('hex')}`;
  await once(admin, `create database ${name}`);
  const url = withDatabase(admin, name);
  return {
    url,
    admin,
    name,
    async sql(text, values) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(text, values)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      await once(admin, `drop database if exists ${name} with (force)`);
    },
  };
}

async function once(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
