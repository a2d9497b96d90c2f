// Terminal control codes in text meant for people (`runs log`): colours, cursor moves, links.

/**
 * CSI (`ESC [ … letter`: colours, cursor moves), OSC (`ESC ] … BEL` or `ESC ] … ESC \`: hyperlinks
 * and titles that rich writes) and two-byte escapes (`ESC =`, `ESC (B`). The parser's stripAnsi
 * only needs CSI; a log shown to a person must lose the rest too, or the terminal acts on it.
 */
// eslint-disable-next-line no-control-regex -- matching ESC and BEL is the point
const TERMINAL_CODES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78cDEHM]/g;

export function stripTerminalCodes(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(TERMINAL_CODES, '');
}

/**
 * Control characters made visible (`\x1b`, `\n`, …) in text we print that came from folders or
 * users (ids, notes, tags, warnings naming them): a folder named `\x1b[31m…` must not recolour
 * the terminal. `keepNewlines` for multi-line messages; table cells escape them too (one row,
 * one line).
 */
export function escapeControlChars(text: string, keepNewlines = false): string {
  // eslint-disable-next-line no-control-regex
  const controls = keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  return controls.test(text) ? text.replace(controls, escapeOne) : text;
}

function escapeOne(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}
