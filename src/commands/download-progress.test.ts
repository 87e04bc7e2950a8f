import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HubProgressEvent } from '../model/hub/progress.js';
import { createDownloadReporter } from './download-progress.js';

const event = (file: string, loaded: number, total: number | undefined, done = false): HubProgressEvent => ({ repo: 'o/m', file, loaded, total, done });

test('in a log (no TTY): a line when a large file starts, while it runs, and when each file is done', () => {
  const written: string[] = [];
  const reporter = createDownloadReporter({ stream: { isTTY: false, write: (t: string) => written.push(t) }, intervalMs: 0 });
  reporter.onEvent(event('config.json', 0, 628));
  reporter.onEvent(event('config.json', 628, 628, true));
  reporter.onEvent(event('onnx/model.onnx', 0, 2_500_000_000));
  reporter.onEvent(event('onnx/model.onnx', 1_250_000_000, 2_500_000_000));
  reporter.onEvent(event('onnx/model.onnx', 2_500_000_000, 2_500_000_000, true));
  assert.equal(written.length, 4);
  assert.match(written[0]!, /^endorm: downloaded o\/m\/config\.json \(628 B in \d+\.\d s\)\n$/);
  // Binary units, as every size endorm prints: 2.5e9 bytes are 2.33 GiB.
  assert.equal(written[1], 'endorm: downloading o/m/onnx/model.onnx (2.33 GiB)\n');
  assert.match(written[2]!, /^endorm: downloading o\/m\/onnx\/model\.onnx: 1\.16 GiB of 2\.33 GiB(, [\d.]+ (?:[KMG]i)?B\/s)?\n$/);
  assert.match(written[3]!, /^endorm: downloaded o\/m\/onnx\/model\.onnx \(2\.33 GiB in /);
});

test('--quiet reports nothing', () => {
  const written: string[] = [];
  const reporter = createDownloadReporter({ quiet: true, stream: { isTTY: false, write: (t: string) => written.push(t) } });
  reporter.onEvent(event('onnx/model.onnx', 0, 5_000_000));
  reporter.onEvent(event('onnx/model.onnx', 5_000_000, 5_000_000, true));
  assert.deepEqual(written, []);
});

test('on a terminal with CI set, downloads are plain lines too: a CI log keeps every redraw of a bar', () => {
  const written: string[] = [];
  const reporter = createDownloadReporter({ stream: { isTTY: true, write: (t: string) => written.push(t) }, intervalMs: 0, env: { CI: 'true' } });
  reporter.onEvent(event('config.json', 0, 628));
  reporter.onEvent(event('config.json', 628, 628, true));
  assert.equal(written.length, 1);
  assert.match(written[0]!, /^endorm: downloaded o\/m\/config\.json \(628 B in \d+\.\d s\)\n$/);
});
