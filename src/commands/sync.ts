// PLACEHOLDER — being written now (index sync). Signatures are final.
import type { Context } from './context.js';

export interface SyncReport {
  total: number;
  added: number;
  changed: number;
  unchanged: number;
  removed: number;
  metricRows: number;
  warnings: string[];
  seconds: number;
}

export type SyncMode = 'fresh' | 'full' | 'rebuild';

/** Brings the index up to date with the folders. */
export async function syncAll(_ctx: Context, _mode: SyncMode): Promise<SyncReport> {
  throw new Error('not implemented yet');
}

/** Brings one run up to date from its folder (live indexing during `runs train`). Never throws on bad input. */
export async function syncOneRun(_ctx: Context, _id: string): Promise<void> {
  throw new Error('not implemented yet');
}
