// The live push of `runs train` (RUNS_TEAM_DB set): the run goes to the team database as it is
// indexed. Training never waits on it or fails because of it: pushes run in the background, one at
// a time, at most every PUSH_EVERY_MS, each bounded (connect and query timeouts, and a watchdog
// that drops a push that stalls); a failure says so ONCE, and the next attempt (or the end of the
// run, or `runs push`) catches up with exact counts, since every push sends what the team database
// says it lacks. At the end of the run one last push gets at most FINAL_WAIT_MS.
import { thousands } from '../core/thousands.js';
import { openTeam, type TeamDatabase } from '../db/index.js';
import { publishHost, publishRuns } from './publish.js';
import type { IndexerContext } from './sync.js';

/** What the live push needs of `runs train`'s context. */
export interface LivePushContext extends IndexerContext {
  env: { RUNS_TEAM_DB?: string };
  hostName(): string;
}

const PUSH_EVERY_MS = 2000;
const CONNECT_TIMEOUT_MS = 3000;
const QUERY_TIMEOUT_MS = 10_000;
/** A push (connect, migrate check, COPY) still going after this is dropped; the next one retries. */
const STALL_MS = 20_000;
const FINAL_WAIT_MS = 5000;

export interface LivePusher {
  /** Asks for a push of the run (after the index took new rows); never waits. */
  soon(): void;
  /** The last push (bounded by FINAL_WAIT_MS), then what the team database holds of the run. */
  finish(): Promise<void>;
}

/** null when there is no team database to push to (or this host cannot name its runs there). */
export function livePusher(ctx: LivePushContext, id: string): LivePusher | null {
  const url = ctx.env.RUNS_TEAM_DB;
  if (!url) return null;
  let host: string;
  try {
    host = publishHost(ctx);
  } catch (err) {
    ctx.warn(`${(err as Error).message}; this run is not pushed to the team database`);
    return null;
  }
  let team: TeamDatabase | null = null;
  let warned = false;
  let running: Promise<boolean> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let closed = false;
  /** Rows were indexed while a push was running: push again when it ends (else, with the trainer
   * quiet, nothing would ask again and those rows would wait for the end of the run). */
  let pending = false;

  const drop = () => {
    team?.destroy();
    team = null;
  };
  const failed = (err: unknown) => {
    drop();
    if (warned) return;
    warned = true;
    ctx.warn(
      `the team database did not take this run (${(err as Error)?.message ?? String(err)}); training goes on, and the next push (or \`runs push\`) catches up`,
    );
  };
  const attempt = async (): Promise<boolean> => {
    let watchdog: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      watchdog = setTimeout(() => reject(new Error(`no answer in ${STALL_MS / 1000} s`)), STALL_MS);
      watchdog.unref();
    });
    try {
      const push = (async () => {
        team ??= await openTeam(url, { connectTimeoutMs: CONNECT_TIMEOUT_MS, queryTimeoutMs: QUERY_TIMEOUT_MS });
        await publishRuns(ctx, team, host, new Set([id]));
      })();
      push.catch(() => {}); // after a stall its late failure is already handled
      await Promise.race([push, stalled]);
      return true;
    } catch (err) {
      failed(err);
      return false;
    } finally {
      clearTimeout(watchdog);
    }
  };
  const start = (): Promise<boolean> => {
    last = Date.now();
    pending = false; // this push reads the index as it is now
    const p = attempt().finally(() => {
      if (running === p) running = null;
      if (pending) soon();
    });
    running = p;
    return p;
  };
  const soon = () => {
    if (closed || timer) return;
    if (running) {
      pending = true;
      return;
    }
    timer = setTimeout(
      () => {
        timer = undefined;
        if (!closed && !running) void start();
      },
      Math.max(0, last + PUSH_EVERY_MS - Date.now()),
    );
    timer.unref();
  };
  return {
    soon,
    async finish() {
      closed = true;
      clearTimeout(timer);
      let timeout: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timeout = setTimeout(() => resolve('late'), FINAL_WAIT_MS);
      });
      try {
        const final = (async () => {
          if (running) await running;
          if (!(await start()) || !team) return null;
          const held = await team.pushState(host);
          return [...held.values()].find((r) => r.id === id) ?? null;
        })().catch((err: unknown) => {
          failed(err);
          return null;
        });
        const outcome = await Promise.race([final, late]);
        if (outcome === 'late') {
          if (!warned) {
            warned = true;
            ctx.warn(
              `the team database did not answer within ${FINAL_WAIT_MS / 1000} s; run \`runs push\` to publish this run`,
            );
          }
        } else if (outcome) {
          ctx.notice(`pushed ${host}:${id} to the team database (${thousands(outcome.metric_rows ?? 0)} metric rows)`);
        }
      } finally {
        clearTimeout(timeout);
        drop();
      }
    },
  };
}
