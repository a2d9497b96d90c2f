// The layer rules the type system cannot see, checked on the source: commands read runs only
// through ctx.reader() (never the local index's bookkeeping), and no command imports another.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';

const commandsDir = path.join(PROJECT_ROOT, 'src', 'commands');
const commandFiles = fs.readdirSync(commandsDir).filter((f) => f.endsWith('.ts'));

describe('src/commands', () => {
  it.each(commandFiles)('%s never calls ctx.index() nor names the local index types', (file) => {
    const text = fs.readFileSync(path.join(commandsDir, file), 'utf8');
    const offending = text
      .split('\n')
      .filter((line) => /\.index\(\)|\b(RunsIndex|LocalIndex|SqliteRunsIndex)\b/.test(line))
      .filter((line) => file !== 'context.ts' || !/index\(\): Promise<RunsIndex>|import type/.test(line));
    expect(offending).toEqual([]);
  });

  it.each(commandFiles)('%s imports no other command (only the Context type)', (file) => {
    const text = fs.readFileSync(path.join(commandsDir, file), 'utf8');
    const siblings = [...text.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]);
    expect(siblings.filter((s) => s !== 'context.js')).toEqual([]);
  });
});
