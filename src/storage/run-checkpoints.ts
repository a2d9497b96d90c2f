// A run's periodic checkpoint files on disk and which of them are `best` and `last` (prune, export).
import { chooseBestCheckpoint, valMeasuresBeforeStep, type BestCheckpoint } from '../core/best-checkpoint.js';
import type { MetricRow, RunRow } from '../core/rows.js';
import { listCheckpointFiles, type CheckpointFileOnDisk } from './disk-usage.js';

export interface RunCheckpoints {
  files: CheckpointFileOnDisk[];
  best: BestCheckpoint;
  /** The last periodic checkpoint (highest iteration), if any. */
  last: CheckpointFileOnDisk | null;
}

/** The files in the run's folder, judged by the run's metrics as the index has them. */
export function runCheckpoints(run: RunRow, metrics: readonly MetricRow[]): RunCheckpoints {
  const files = listCheckpointFiles(run.path);
  // A resumed run appended to one folder overwrites the files of earlier segments: only the last
  // segment's val losses describe the files on disk.
  const lastSegment = metrics.reduce((s, m) => Math.max(s, m.segment), 0);
  const val = metrics
    .filter((m) => m.split === 'val' && m.iter !== null && m.segment === lastSegment)
    .map((m) => ({ iter: m.iter!, loss: m.loss }));
  return {
    files,
    best: chooseBestCheckpoint(
      val,
      files.map((f) => f.iter),
      valMeasuresBeforeStep(run.log_format),
    ),
    last: files.at(-1) ?? null,
  };
}
