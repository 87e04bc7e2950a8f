import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScoreProgress } from '../run/score-pairs.js';
import { loadStatusText } from './load-status.js';
import { createProgressReporter, etaSeconds, progressLine } from './progress-reporter.js';

const progress = (partialPairs: number, seconds: number, total?: number): ScoreProgress => ({
  pairs: Math.floor(partialPairs),
  partialPairs,
  ...(total !== undefined ? { total } : {}),
  responses: 0,
  tokens: 4000 * seconds,
  paddedTokens: 0,
  truncated: 0,
  seconds,
});

/** A stand-in stderr: a terminal or not, collecting what is written. */
function stream(isTTY: boolean) {
  const out = { isTTY, text: '', write: (s: string) => ((out.text += s), true) };
  return out as unknown as NodeJS.WriteStream & { text: string };
}

test('the ETA is the records left at the rate so far, and a plain line says how far, how fast and how long to go', () => {
  // 25.5 of 100 records in 51 s: 0.5 records/s, 74.5 left, 149 s (of 1,284: 2,517 s).
  assert.equal(etaSeconds(progress(25.5, 51, 100)), 149);
  assert.equal(etaSeconds(progress(25.5, 51)), undefined);
  assert.equal(etaSeconds(progress(0, 3, 100)), undefined);
  assert.equal(progressLine(progress(25.5, 51, 1284)), '25/1,284 records (2.0%), 0.5 records/s, 4,000 tok/s, ETA 41 min 57 s');
  assert.equal(progressLine(progress(7, 14)), '7 records, 0.5 records/s, 4,000 tok/s, 14 s so far');
});

test('CI set, or no terminal, gives plain lines every few seconds; a partly done batch already counts', () => {
  for (const [isTTY, env] of [[true, { CI: 'true' }], [false, {}]] as const) {
    const err = stream(isTTY);
    const reporter = createProgressReporter({ stream: err, env, every: 0 });
    reporter.update(progress(0, 0.5, 10));
    reporter.update(progress(0.5, 1, 10));
    reporter.stop();
    assert.equal(err.text, 'endorm: 0/10 records (5.0%), 0.5 records/s, 4,000 tok/s, ETA 19 s\n');
  }
  const quiet = stream(false);
  createProgressReporter({ stream: quiet, quiet: true, every: 0 }).update(progress(5, 1, 10));
  assert.equal(quiet.text, '');
});

test('on a terminal without CI the bar moves with partial records and shows the ETA', () => {
  const err = stream(true);
  const reporter = createProgressReporter({ stream: err, env: {} });
  reporter.update(progress(2.5, 5, 10));
  reporter.stop();
  const drawn = err.text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
  assert.match(drawn, /scoring [█░]+ 2\/10 records \| 0\.5 records\/s, 4,000 tok\/s \| ETA 15 s/);
  assert.ok((drawn.match(/█/g) ?? []).length > 0, 'a quarter of the bar is filled by 2.5 of 10 records');
});

test('status lines say which model loads, that the graph build is a one-time step, and when the model is ready', () => {
  assert.equal(loadStatusText({ phase: 'model', spec: 'org/model' }), 'loading model org/model (config, tokenizer, ONNX file)…');
  assert.match(loadStatusText({ phase: 'graph', onnxFile: 'm/onnx/model.onnx', cacheEntry: '/c/graphs/ab' }), /one-time step on first use of this model file \(cached in \/c\/graphs\/ab\)/);
  assert.equal(
    loadStatusText({ phase: 'graph-wait', onnxFile: 'm/onnx/model.onnx', cacheEntry: '/c/graphs/ab', holder: 'pid 7 on node-2, since 2026-01-01T00:00:00Z' }),
    'waiting for the scoring graph of m/onnx/model.onnx, which another process (pid 7 on node-2, since 2026-01-01T00:00:00Z) is preparing in /c/graphs/ab…',
  );
  assert.equal(loadStatusText({ phase: 'session', device: 'cpu', graph: 'g' }), 'starting onnxruntime on cpu…');
  assert.equal(loadStatusText({ phase: 'ready', seconds: 2.25 }), 'model ready in 2.3 s');
});
