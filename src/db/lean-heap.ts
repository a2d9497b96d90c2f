// The garbage collector's setting for a pass over many runs. Such a pass allocates about 1 GB of
// short-lived objects (the text of every log, its records, the rows) while little stays alive
// (~17 MB on the main thread at 10k runs). V8's default lets the old generation grow to about four
// times what was alive at the last full collection before collecting it again, and nearly all of
// that is dead objects promoted from the young generation: on the 10k-run bench tree the main
// thread's old space reached 72 MB with 17 MB alive after each full GC.
//
// V8 reads this flag whenever it sets the next limit (after each full GC), so setting it after
// start-up takes effect from then on. It is process-wide, which is why only a bulk pass asks for
// it. (The young generation's limits are fixed when the heap is made: too late to change here.)
import v8 from 'node:v8';

/** From now on the old generation grows to 1.5x what was alive at the last full GC (not ~4x). */
export function leanHeap(): void {
  v8.setFlagsFromString('--heap-growing-percent=50');
}
