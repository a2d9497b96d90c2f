// @ts-check
// ESLint (flat config): typescript-eslint's type-checked rules over src, tests and bench, the plain
// JS rules over the .mjs scripts, and the layer arrows of docs/ARCHITECTURE.md as per-folder
// import restrictions. `npm run lint`; tests/unit/lint-layers.test.ts shows the arrows fire.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and the folders each may import (besides itself). One place: the rules
 * below, the lint-layers test and docs/ARCHITECTURE.md follow it. Imports are matched as written
 * (relative paths), so `../db/…` from src/core/x.ts and `../../db/…` from src/core/sub/x.ts alike.
 */
export const LAYERS = {
  core: [],
  parse: ['core'],
  storage: ['core'],
  db: ['core'],
  trainer: ['core', 'storage'],
  indexer: ['core', 'parse', 'storage', 'db', 'trainer'],
  // The web view's server side (API, dashboard data, assets); the browser page is stricter (below).
  ui: ['core', 'db', 'storage'],
  commands: ['core', 'parse', 'storage', 'db', 'indexer', 'trainer', 'ui'],
  cli: ['commands', 'core'],
};

/** Type-only imports allowed across an arrow that values may not cross (erased at build time). */
const TYPE_ONLY = {
  cli: ['db', 'indexer', 'storage'],
};

const FOLDERS = Object.keys(LAYERS);

/** Pure layers: no Node I/O (the edges do it), no database driver. */
const PURE = ['core', 'parse'];

/** @param {string} folder */
function folderRegex(folder) {
  return String.raw`^(?:\.\./)+${folder}(?:/|\.js$)`;
}

/**
 * The no-restricted-imports patterns of one layer.
 * @param {keyof typeof LAYERS} layer
 * @param {object[]} [more]
 */
function layerPatterns(layer, more = []) {
  /** @type {string[]} */
  const allowed = LAYERS[layer];
  /** @type {string[]} */
  const typeOnly = TYPE_ONLY[/** @type {keyof typeof TYPE_ONLY} */ (layer)] ?? [];
  const patterns = FOLDERS.filter((f) => f !== layer && !allowed.includes(f)).map((f) => ({
    regex: folderRegex(f),
    allowTypeImports: typeOnly.includes(f),
    message: `layer arrow: src/${layer} may import ${allowed.length ? allowed.join(', ') : 'nothing of ours but core'} (docs/ARCHITECTURE.md), not ${f}${typeOnly.includes(f) ? ' (type imports are fine)' : ''}.`,
  }));
  if (PURE.includes(layer)) {
    patterns.push({
      regex: String.raw`^(?:node:|better-sqlite3$|pg$|pg-copy-streams$)`,
      allowTypeImports: false,
      message: `src/${layer} is pure (no I/O): do the I/O at the edges and pass the data in.`,
    });
  }
  return [...patterns, ...more];
}

/**
 * Commands do not import each other: what two commands share lives in a lower layer (indexer,
 * db, core). context.ts is the commands' shared context, not a command.
 */
const NO_SIBLING_COMMAND = {
  regex: String.raw`^\./(?!context\.js$)`,
  message: 'a command does not import another command: move what they share into indexer/, db/ or core/.',
};

/** The Node globals the .mjs/.cjs scripts use (no `globals` package: one short list is enough). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'performance',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'AbortController',
    'fetch',
    'queueMicrotask',
    'require',
    'module',
    '__dirname',
    '__filename',
  ].map((name) => [name, 'readonly']),
);

/** The code that runs in the browser (bundled into dist/ui). */
const BROWSER_FILES = ['src/ui/app.ts', 'src/ui/series.ts'];

const restricted = '@typescript-eslint/no-restricted-imports';

/** Only these start processes (STYLE.md §2); everything else asks them. */
const PROCESS_FILES = ['src/trainer/spawn.ts', 'src/trainer/probe.ts'];

const NO_CHILD_PROCESS = {
  regex: String.raw`^(?:node:)?child_process$`,
  message: `only ${PROCESS_FILES.join(' and ')} start processes: ask them (probe.ts for quick lookups).`,
};

/**
 * The local index reads and writes without drizzle (db/columns.ts says why: ~7 ms of every
 * command's start-up): outside the schema and the team backend, db/ imports drizzle and the
 * schema for types only. The migrator is loaded with import() when a migration is pending.
 */
const DRIZZLE_FILES = ['src/db/schema.ts', 'src/db/team.ts', 'src/db/team-schema.ts'];
const NO_DRIZZLE_VALUES = [
  {
    regex: String.raw`^drizzle-orm(?:/|$)`,
    allowTypeImports: true,
    message: `the local index loads no drizzle: name columns from db/columns.ts and write plain SQL (types are fine; only ${DRIZZLE_FILES.join(', ')} use drizzle's values).`,
  },
  {
    regex: String.raw`^\./schema\.js$`,
    allowTypeImports: true,
    message: 'the schema module loads drizzle: import its types only, and column names from ./columns.js.',
  },
];

/** @param {keyof typeof LAYERS} layer */
function layerBlock(layer) {
  const more = [...(layer === 'commands' ? [NO_SIBLING_COMMAND] : []), NO_CHILD_PROCESS];
  return {
    name: `layers/${layer}`,
    files: [`src/${layer}/**/*.ts`],
    ignores: layer === 'trainer' ? PROCESS_FILES : [],
    rules: { [restricted]: ['error', { patterns: layerPatterns(layer, PURE.includes(layer) ? [] : more) }] },
  };
}

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'models/',
      'tests/fixtures/',
      'migrations/',
      'migrations-pg/',
      'bench/.cache/',
      'demo-runs/',
    ],
  },
  {
    name: 'typescript',
    files: ['**/*.ts', '**/*.mts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Floating promises matter here (a dropped write, an unhandled rejection after exit): ON,
      // stated explicitly; a deliberate drop is `void p` with a comment saying why.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed names and rest siblings are how this code drops fields (`{ id: _id, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // OFF: the SQLite reader implements the async reader interface synchronously (and the page's
      // API stand-ins likewise); `async` without `await` there is the point, not a slip.
      '@typescript-eslint/require-await': 'off',
      // OFF: cell and COPY formatting stringify `unknown` SQL values (string, bigint, Buffer) on
      // purpose; the rule cannot know a plain object never reaches them.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // commander hands every action its options as `any`; each command declares its option type at
    // the call, so the unsafe-any rules only repeat that at every line of the program files.
    name: 'cli-program',
    files: ['src/cli/program*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // The team schema is generated from the SQLite columns through drizzle's column builders,
    // whose generic types cannot follow a loop over columns: `any` there is deliberate.
    name: 'team-schema',
    files: ['src/db/team-schema.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Lighter for tests and bench: they read JSON output and driver rows as `any` all the time
    // (the assertions are the type check). Promise rules stay on: an un-awaited expect passes.
    name: 'tests',
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    name: 'javascript',
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: NODE_GLOBALS },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  ...FOLDERS.map((layer) => layerBlock(/** @type {keyof typeof LAYERS} */ (layer))),
  {
    name: 'db/no-drizzle-on-the-local-path',
    files: ['src/db/**/*.ts'],
    ignores: DRIZZLE_FILES,
    rules: { [restricted]: ['error', { patterns: layerPatterns('db', [NO_CHILD_PROCESS, ...NO_DRIZZLE_VALUES]) }] },
  },
  {
    name: 'layers/trainer-process-files',
    files: PROCESS_FILES,
    rules: { [restricted]: ['error', { patterns: layerPatterns('trainer') }] },
  },
  {
    // The browser page and the series code it shares with the server: core only (types of the
    // server side are fine), and no Node modules: this runs in a browser.
    name: 'layers/ui-browser',
    files: BROWSER_FILES,
    rules: {
      [restricted]: [
        'error',
        {
          patterns: [
            ...FOLDERS.filter((f) => f !== 'core' && f !== 'ui').map((f) => ({
              regex: folderRegex(f),
              message: `layer arrow: the browser page (${BROWSER_FILES.join(', ')}) may import core only, not ${f}.`,
            })),
            {
              regex: String.raw`^\./(?!series\.js$|app\.css$)`,
              allowTypeImports: true,
              message: 'the browser page may import the ui server side for types only.',
            },
            { regex: '^node:', message: 'the browser page runs in a browser: no Node modules.' },
          ],
        },
      ],
    },
  },
);
