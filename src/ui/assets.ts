// The page's built front end (dist/ui/app.js, app.css: src/ui/app.ts bundled by scripts/build.mjs)
// and the HTML around it, for `runs ui` (served) and `runs report` (inlined).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunsError } from '../core/errors.js';

export interface FrontEnd {
  js: string;
  css: string;
}

/** dist/ui next to the bundle (dist/runs.mjs, dist/chunks/*.mjs), or built from source (tests). */
export function loadFrontEnd(): FrontEnd {
  for (const rel of ['../ui/', './ui/', '../../dist/ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(`${dir}app.js`) && fs.existsSync(`${dir}app.css`)) {
      return { js: fs.readFileSync(`${dir}app.js`, 'utf8'), css: fs.readFileSync(`${dir}app.css`, 'utf8') };
    }
  }
  throw new RunsError('the web view is not built (dist/ui/app.js is missing): run `npm run build`');
}

/** JSON inside <script>: "<" escaped so no "</script>" or "<!--" in the data can end the element. */
function inlineJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const BODY = '<div id="app"><noscript>This page needs JavaScript.</noscript></div>';

/** The page `runs ui` serves: script and style from the same server. */
export function livePageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>runs</title><link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script></head>
<body>${BODY}</body></html>
`;
}

/**
 * `runs report`: one file with code, style and data inlined. Its CSP allows no request at all, so
 * the page cannot reach a server even by accident.
 */
export function reportHtml(front: FrontEnd, data: unknown, title: string): string {
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(title)}</title><style>${front.css.replace(/<\/style/gi, '<\\/style')}</style></head>
<body>${BODY}
<script type="application/json" id="runs-data">${inlineJson(data)}</script>
<script>${front.js.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
