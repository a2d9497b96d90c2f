// A string the parser keeps beyond the line it came from must not be a slice of that line: V8
// makes a substring of 13+ characters a view into its parent, so a checkpoint's file name kept
// the whole decoded text of its log (or of a 1 MB read) alive for as long as the record lived.
// A full index of 10k runs held ~440 logs (6 MB) that way in each pending batch, and the garbage
// they became in the old generation raised the process's peak RSS.

/**
 * `s` as a string of its own (same characters). Concatenating makes a new string and slicing
 * flattens it into a fresh copy, so the result keeps only itself (plus one character) alive.
 */
export function ownString(s: string): string {
  return ` ${s}`.slice(1);
}
