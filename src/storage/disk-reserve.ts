// A little disk space held back while a trainer runs (`<run>/.reserve`), given back just before
// run.json's last rewrite, so a trainer that fills the disk cannot leave its run looking crashed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/** Bytes held back in `<run>/.reserve` while the trainer runs: enough for run.json's temp copy. */
const RESERVE_BYTES = 64 * 1024;

/**
 * Holds back a little disk space for the end of the run. A trainer can fill the disk with its
 * output (train.log) or checkpoints; run.json's final rewrite (a temp copy renamed over it) then
 * needs space that is gone, and the run would stay `running` and look crashed. Releasing this
 * file just before that rewrite gives the space back. Best effort: on a disk already full at the
 * start there is nothing to hold back.
 */
export function reserveSpace(file: string): { release(): void } {
  let held = false;
  try {
    // Random bytes, not zeros: a compressing file system (ZFS, btrfs) would store zeros in no space.
    fs.writeFileSync(file, randomBytes(RESERVE_BYTES));
    held = true;
  } catch {
    try {
      fs.rmSync(file, { force: true }); // a partly written reserve holds what it got; give it back
    } catch {
      // best effort
    }
  }
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        fs.rmSync(file, { force: true });
      } catch {
        // nothing was gained, nothing is lost
      }
    },
  };
}
