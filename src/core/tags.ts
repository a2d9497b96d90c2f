// The one rule for a tag, whichever way it gets in (`runs train --tag`, `runs tag`, `runs tag
// --remove`): one word that reads the same in every output form. Tables join tags with ", ",
// so a comma or a space inside a tag would make two tags look like one; control characters
// would act on the terminal.
import { UsageError } from './errors.js';

export const MAX_TAG_LENGTH = 100;

/** Why `tag` is not a valid tag, or null when it is. */
export function tagProblem(tag: string): string | null {
  if (tag === '') return 'is empty';
  if (tag.length > MAX_TAG_LENGTH) return `is longer than ${MAX_TAG_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(tag)) return 'contains a control character';
  if (/[\s,]/u.test(tag)) return 'contains a space or a comma';
  if (tag.startsWith('-')) return 'starts with "-" (it would read as an option)';
  return null;
}

/**
 * Throws a UsageError naming the first invalid tag. `allowed` lets `--remove` take out a tag a run
 * already has even if it breaks the rule (written by hand, or by an older `runs`).
 */
export function checkTags(tags: readonly string[], source: string, allowed: ReadonlySet<string> = new Set()): void {
  for (const t of tags) {
    if (allowed.has(t)) continue;
    const problem = tagProblem(t);
    if (problem !== null) {
      throw new UsageError(
        `${source} ${JSON.stringify(t)} ${problem}: a tag is one word of up to ${MAX_TAG_LENGTH} characters, ` +
          'without spaces, commas or control characters, not starting with "-" (e.g. baseline, lr-3e-5, qwen3/4b)',
      );
    }
  }
}
