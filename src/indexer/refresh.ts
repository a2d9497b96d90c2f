// The freshness pass every read command makes first (PRODUCT.md "Freshness"): folders added or
// removed and runs still `running` are brought into the index before it is read.
import { syncAll, type IndexerContext } from './sync.js';

export interface RefreshContext extends IndexerContext {
  /** With --team the reader is the team database: this machine's folders are not its source. */
  team(): boolean;
}

export async function refresh(ctx: RefreshContext): Promise<void> {
  // The team database is brought up to date by each host's push, not by this machine's folders.
  if (ctx.team()) return;
  const report = await syncAll(ctx, 'fresh');
  for (const w of report.warnings) ctx.warn(w);
}
