// Live indexing of one run while `runs train` records it: the run's folder into the index after
// the trainer's output, throttled, never two passes at once, never failing the run.
import { syncOneRun, type IndexerContext } from './sync.js';

/** At most one pass per this many ms while the trainer writes (plus one after its last output). */
export const SYNC_THROTTLE_MS = 500;

/**
 * Live indexing for one run. The index is a disposable cache: a failure prints ONE warning and
 * never stops or fails the run (`runs index` catches up later). `soon()` runs at most every
 * SYNC_THROTTLE_MS, with a trailing call so the last output is indexed too; calls never overlap.
 */
export function liveIndexer(
  ctx: IndexerContext,
  id: string,
  afterSync: () => void,
): { soon: () => void; settle: () => Promise<void>; now: () => Promise<void> } {
  let warned = false;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const once = async () => {
    try {
      await syncOneRun(ctx, id);
      afterSync();
    } catch (err) {
      if (!warned) {
        warned = true;
        ctx.notice(
          `warning: the index was not updated (${(err as Error)?.message ?? String(err)}); the run is recorded in its folder, \`runs index\` will catch up`,
        );
      }
    }
  };
  const fire = () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    last = Date.now();
    running = once().finally(() => {
      running = null;
      if (again) {
        again = false;
        soon();
      }
    });
  };
  const soon = () => {
    if (closed || timer) return;
    timer = setTimeout(fire, Math.max(0, last + SYNC_THROTTLE_MS - Date.now()));
    timer.unref();
  };
  return {
    soon,
    /** Stops live syncing and waits for a sync in flight. */
    async settle() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
    now: once,
  };
}
