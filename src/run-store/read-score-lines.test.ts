import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readScoreLines } from './read-score-lines.js';
import { RunFolderError } from './run-folder-error.js';
import type { ScoreRecord } from './score-record.js';

const line = (pair: string, index = 0) =>
  JSON.stringify({ type: 'response', pair, id: pair, role: 'chosen', index, tokens: 1, chars: 1, truncated: false, scores: { m: 1 } });

async function file(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'endorm-lines-')), 'scores.jsonl');
  await writeFile(path, text);
  return path;
}

async function read(text: string): Promise<{ records: ScoreRecord[]; tornLine: number | null; lines: number }> {
  const records: ScoreRecord[] = [];
  const result = await readScoreLines(await file(text), (r) => records.push(r));
  return { records, ...result };
}

test('reads every line, skipping blank ones', async () => {
  const { records, tornLine, lines } = await read(`${line('a')}\n\n${line('b')}\r\n`);
  assert.deepEqual(records.map((r) => r.pair), ['a', 'b']);
  assert.equal(tornLine, null);
  assert.equal(lines, 2);
});

test('an unparseable last line is ignored and reported', async () => {
  const { records, tornLine } = await read(`${line('a')}\n${line('b')}\n${line('c').slice(0, 30)}`);
  assert.deepEqual(records.map((r) => r.pair), ['a', 'b']);
  assert.equal(tornLine, 3);
});

test('a last line that parses but is cut short (not a record) is ignored too', async () => {
  const { records, tornLine } = await read(`${line('a')}\n{"type":"response","pair":"b"}\n`);
  assert.equal(records.length, 1);
  assert.equal(tornLine, 2);
});

test('a bad line before the end is an error naming the file and line', async () => {
  const path = await file(`${line('a')}\n{oops\n${line('b')}\n`);
  await assert.rejects(readScoreLines(path, () => {}), (error: unknown) => {
    assert.ok(error instanceof RunFolderError);
    assert.match(error.message, /scores\.jsonl:2: not valid JSON/);
    return true;
  });
});

test('comparison lines are checked for integer indices', async () => {
  const good = JSON.stringify({ type: 'comparison', pair: 'p', id: 'p', chosen: 0, rejected: 1, truncated: false, scores: { j: 0.7 } });
  const bad = JSON.stringify({ type: 'comparison', pair: 'p', id: 'p', chosen: 'x', rejected: 1, truncated: false, scores: {} });
  assert.equal((await read(`${good}\n`)).records.length, 1);
  await assert.rejects(readScoreLines(await file(`${bad}\n${good}\n`), () => {}), /integer chosen\/rejected/);
});

test('a score that is not a number is exit 3 naming file, line and field, even on the last line; null (a NaN endorm wrote) stays readable', async () => {
  const good = line('a');
  const withScores = (scores: unknown) => JSON.stringify({ ...JSON.parse(line('b')), scores });
  for (const [bad, shown] of [[{ m: 'abc' }, '"abc"'], [{ m: true }, 'true'], [{ m: { x: 1 } }, '{"x":1}']] as const) {
    const path = await file(`${good}\n${withScores(bad)}\n`);
    await assert.rejects(readScoreLines(path, () => {}), (error: unknown) => {
      assert.ok(error instanceof RunFolderError);
      assert.equal(error.exitCode, 3);
      assert.equal(error.message, `${path}:2: field "scores.m": ${shown} is not a number`);
      return true;
    });
  }
  const { records } = await read(`${good}\n${withScores({ m: null })}\n`);
  assert.equal(records.length, 2);
  assert.equal(records[1]!.scores['m'], null);
});
