import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import type { ComparisonScoreRecord, ResponseScoreRecord } from '../run-store/score-record.js';
import { runDifferences } from './compare-runs.js';
import { traceBytes } from '../run-store/trace-format.js';
import { readTraceIndex } from '../run-store/trace-reader.js';
import { TraceWriter } from '../run-store/trace-writer.js';
import { openRunFolder, skipDone } from './resume.js';
import { SettingsError } from './settings-error.js';

function manifest(settings: Partial<RunManifest['settings']> = {}, model: Partial<RunManifest['model']> = {}): RunManifest {
  return {
    endorm: { version: '0.1.0' },
    createdAt: '2025-01-01T00:00:00.000Z',
    model: { spec: 'm', path: '/models/m', modelType: 'llama', dtype: 'fp32', onnxFile: '/models/m/onnx/model.onnx', vocabSize: 512, ...model },
    dataset: { spec: 'd.jsonl', path: '/data/d.jsonl', name: 'd', kind: 'pairs', sha256: 'abc' },
    settings: { methods: ['endorm'], template: 'none', scoreEot: true, maxLength: 512, alphas: [1], ...settings },
  };
}

/** Pairs p0..p{n-1}; p1 has 3 chosen and 3 rejected responses, the rest 1 and 1. */
function pairs(n: number): Pair[] {
  return Array.from({ length: n }, (_, i) => {
    const styles = i === 1 ? 3 : 1;
    return {
      key: `p${i}`,
      id: `p${i}`,
      prompt: 'x',
      chosen: Array(styles).fill('c'),
      rejected: Array(styles).fill('r'),
      source: { file: 'd.jsonl', line: i + 1 },
    };
  });
}

function lines(pair: Pair, truncated = false): string {
  const out: ResponseScoreRecord[] = [];
  for (const role of ['chosen', 'rejected'] as const) {
    pair[role].forEach((_, index) => {
      out.push({ type: 'response', pair: pair.key, id: pair.id, role, index, tokens: 3, chars: 1, truncated, scores: { endorm: -1 } });
    });
  }
  return out.map((r) => JSON.stringify(r) + '\n').join('');
}

async function runFolder(scores: string | undefined, m = manifest()): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-resume-'));
  await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify(m));
  if (scores !== undefined) await fs.writeFile(path.join(dir, 'scores.jsonl'), scores);
  return dir;
}

const stream = (list: Pair[]) => async function* () {
  yield* list;
};

test('a new folder gets run.json and nothing is done', async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-resume-')), 'run');
  const state = await openRunFolder(dir, manifest(), stream(pairs(3)));
  assert.equal(state.resumed, false);
  assert.equal(state.donePairs.size, 0);
  assert.equal(JSON.parse(await fs.readFile(path.join(dir, 'run.json'), 'utf8')).settings.maxLength, 512);
});

test('resuming keeps every whole line: a torn last line is cut, a partly written record keeps its lines', async () => {
  const all = pairs(4);
  const p1 = lines(all[1]!).split('\n');
  // p0 whole (one line truncated), then 4 of p1's 6 lines, then half a line: the write of p1's next batch was cut short.
  const kept = lines(all[0]!, true) + p1.slice(0, 4).join('\n') + '\n';
  const dir = await runFolder(kept + p1[4]!.slice(0, 20));
  const state = await openRunFolder(dir, manifest(), stream(all));
  assert.equal(state.resumed, true);
  assert.deepEqual([...state.donePairs], ['p0']);
  assert.deepEqual([...state.doneLines.keys()], ['p1']);
  assert.deepEqual([...state.doneLines.get('p1')!].sort(), ['chosen/0', 'chosen/1', 'chosen/2', 'rejected/0']);
  assert.equal(state.totalPairs, 4);
  assert.equal(await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8'), kept);
  assert.ok(state.notes.some((n) => /line 7 was torn/.test(n)), state.notes.join('\n'));
  assert.ok(state.notes.some((n) => /1 record\(s\) were partly scored; their 2 missing line\(s\) were scored now/.test(n)), state.notes.join('\n'));
  const todo: string[] = [];
  for await (const p of skipDone(stream(all)(), state.donePairs)) todo.push(p.key);
  assert.deepEqual(todo, ['p1', 'p2', 'p3']);
});

test('a last line without its newline is torn even when it parses', async () => {
  const all = pairs(3);
  const whole = lines(all[0]!) + lines(all[2]!);
  const dir = await runFolder(whole.slice(0, -1));
  const state = await openRunFolder(dir, manifest(), stream(all));
  // p2's rejected line went, so p2 keeps only its chosen line; p0 stays done.
  assert.deepEqual([...state.donePairs], ['p0']);
  assert.deepEqual([...state.doneLines.get('p2')!], ['chosen/0']);
  assert.equal(await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8'), whole.slice(0, whole.lastIndexOf('\n', whole.length - 2) + 1));
});

test('a finished run is all done and left untouched', async () => {
  const all = pairs(3);
  const text = all.map((p) => lines(p)).join('');
  const dir = await runFolder(text);
  const state = await openRunFolder(dir, manifest(), stream(all));
  assert.equal(state.donePairs.size, 3);
  assert.equal(state.totalPairs, 3);
  assert.equal(await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8'), text);
});

test('other settings, model or dataset are refused with every difference named', async () => {
  const dir = await runFolder('');
  await assert.rejects(
    openRunFolder(dir, manifest({ maxLength: 256, shard: { index: 1, count: 2 } }, { dtype: 'q8', onnxFile: '/models/m/onnx/model_quantized.onnx' }), stream(pairs(1))),
    (err: Error) =>
      err instanceof SettingsError &&
      /model\.dtype: "fp32" vs "q8"/.test(err.message) &&
      /model\.onnxFile: "onnx\/model\.onnx" vs "onnx\/model_quantized\.onnx"/.test(err.message) &&
      /settings\.maxLength: 512 vs 256/.test(err.message) &&
      /settings\.shard: \(none\) vs \{"index":1,"count":2\}/.test(err.message),
  );
  // Where the model lies may differ (another machine's cache); what it is may not.
  assert.deepEqual(runDifferences(manifest(), manifest({}, { path: '/other/m', onnxFile: '/other/m/onnx/model.onnx' })), []);
  const other = manifest();
  other.dataset.sha256 = 'def';
  assert.deepEqual(runDifferences(manifest(), other), ['dataset.sha256: "abc" vs "def"']);
});

test('lines are written batch by batch, so a partly written record may stand anywhere in the file', async () => {
  const all = pairs(3);
  const p1 = lines(all[1]!).split('\n');
  const text = p1.slice(0, 2).join('\n') + '\n' + lines(all[0]!);
  const dir = await runFolder(text);
  const state = await openRunFolder(dir, manifest(), stream(all));
  assert.deepEqual([...state.donePairs], ['p0']);
  assert.deepEqual([...state.doneLines.get('p1')!], ['chosen/0', 'chosen/1']);
  assert.equal(await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8'), text);
});

test('damage that no interrupted run leaves is an error, not a silent rescore', async () => {
  const all = pairs(3);
  // A bad line in the middle.
  const bad = await runFolder(lines(all[0]!) + '{oops\n' + lines(all[2]!));
  await assert.rejects(openRunFolder(bad, manifest(), stream(all)), (e: Error) => e instanceof RunFolderError && /scores\.jsonl:3: not valid JSON/.test(e.message));
  // Lines for a record the run does not have.
  const stranger = await runFolder(lines({ ...all[0]!, key: 'zz' }));
  await assert.rejects(openRunFolder(stranger, manifest(), stream(all)), /1 record\(s\) that are not among this run's records \(first: "zz"\)/);
  // Scores without run.json.
  const orphan = await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-resume-'));
  await fs.writeFile(path.join(orphan, 'scores.jsonl'), lines(all[0]!));
  await assert.rejects(openRunFolder(orphan, manifest(), stream(all)), /has scores\.jsonl but no run\.json/);
});

test('with a pairwise judge, a record is done only with a comparison line for every cell', async () => {
  const all = pairs(3);
  const cells = (pair: Pair) =>
    pair.chosen.flatMap((_, i) =>
      pair.rejected.map((_, j): ComparisonScoreRecord => ({ type: 'comparison', pair: pair.key, id: pair.id, chosen: i, rejected: j, truncated: false, scores: { 'judge-pairwise': 0.7 } })),
    ).map((r) => JSON.stringify(r) + '\n');
  // p0: responses and its one cell; p1: all 6 responses but only 5 of its 9 cells (the write stopped there).
  const text = lines(all[0]!) + cells(all[0]!).join('') + lines(all[1]!) + cells(all[1]!).slice(0, 5).join('');
  const dir = await runFolder(text);
  const both = { responses: true, comparisons: true };
  const state = await openRunFolder(dir, manifest(), stream(all), { expected: both });
  assert.deepEqual([...state.donePairs], ['p0']);
  assert.equal(state.doneLines.get('p1')!.size, 6 + 5);
  assert.ok(!state.doneLines.get('p1')!.has('comparison/2:2'));
  assert.equal(await fs.readFile(path.join(dir, 'scores.jsonl'), 'utf8'), text);

  // A judge-only run writes no response lines at all: its records are done by their cells alone.
  const judgeOnly = await runFolder(all.map((p) => cells(p).join('')).join(''));
  const judged = await openRunFolder(judgeOnly, manifest(), stream(all), { expected: { responses: false, comparisons: true } });
  assert.equal(judged.donePairs.size, 3);
});

test('with traces, a response line counts as done only when its trace verifies; damaged traces are cut back', async () => {
  const all = pairs(3);
  const dir = await runFolder(all.map((p) => lines(p)).join(''));
  const writer = await TraceWriter.open(dir);
  const trace = (n: number) => ({ tokens: Int32Array.from({ length: n }, (_, i) => i), logits: new Float32Array(n).fill(-1), logSumExp: new Float32Array(n + 1).fill(2), alphas: [1] });
  for (const role of ['chosen', 'rejected'] as const) writer.add({ pair: 'p0', role, index: 0 }, trace(3));
  await writer.flush();
  writer.add({ pair: 'p2', role: 'chosen', index: 0 }, trace(4)); // p1's traces and p2's rejected one were never written
  writer.add({ pair: 'p2', role: 'rejected', index: 0 }, trace(5));
  await writer.close();
  // Random bytes inside p2's rejected trace: its entry fails its crc32 and is cut off, data and index line both.
  const data = path.join(dir, 'traces.bin');
  const size = (await fs.stat(data)).size;
  const handle = await fs.open(data, 'r+');
  await handle.write(Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, size - 8);
  await handle.close();
  const state = await openRunFolder(dir, manifest(), stream(all), { traces: true });
  assert.deepEqual([...state.donePairs], ['p0']);
  assert.deepEqual([...state.doneLines.get('p2')!], ['chosen/0']);
  assert.equal(state.doneLines.has('p1'), false, 'no line of p1 has its trace');
  assert.ok(state.notes.some((n) => /traces\.index\.jsonl line 5: the trace of p2 rejected\[0\] fails its checksum \(crc32\)/.test(n)), state.notes.join('\n'));
  assert.equal((await fs.stat(data)).size, 2 * traceBytes(3, 1) + traceBytes(4, 1));
  const index = await readTraceIndex(dir);
  assert.deepEqual([...index.entries.values()].map((e) => `${e.pair} ${e.role}`), ['p0 chosen', 'p0 rejected', 'p2 chosen']);
  // Without traces this session, the same lines count as they are.
  const plain = await openRunFolder(dir, manifest(), stream(all));
  assert.equal(plain.donePairs.size, 3);
});
