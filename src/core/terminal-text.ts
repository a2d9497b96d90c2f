// Terminal control codes in text meant for people (`runs log`): colours, cursor moves, links.

/**
 * CSI (`ESC [ … letter`: colours, cursor moves), OSC (`ESC ] … BEL` or `ESC ] … ESC \`: hyperlinks
 * and titles that rich writes) and two-byte escapes (`ESC =`, `ESC (B`). The parser's stripAnsi
 * only needs CSI; a log shown to a person must lose the rest too, or the terminal acts on it.
 */
const TERMINAL_CODES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78cDEHM]/g;

export function stripTerminalCodes(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(TERMINAL_CODES, '');
}
