import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import * as endorm from './index.js';
import { PROJECT_ROOT } from './testing/shared-models.js';

test('the library exports its documented entry points and nothing else (adding one is a decision, and README says so)', () => {
  assert.deepEqual(Object.keys(endorm).sort(), [
    'DEFAULT_METHODS', 'DEVICES', 'DEVICE_CHOICES', 'ENDORM_VERSION', 'EXIT', 'EndormError', 'JUDGE_METHOD_NAMES', 'METHOD_NAMES',
    'MethodSpecError', 'RESPONSE_METHOD_NAMES', 'canonicalMethodSpec', 'compareRuns', 'gridMethodSpecs', 'loadScorer', 'mergeRuns',
    'openBenchmarkDataset', 'openRunTraces', 'parseMethodSpec', 'planMethods', 'protocolOfKind', 'protocols', 'readRun',
    'registerProtocol', 'reportRun', 'rescoreRun', 'resolveDatasetSource', 'sameMethod', 'scoreRun', 'showPair', 'splitMethodList',
    'summarizeRun', 'withGridMethods',
  ]);
  assert.deepEqual(endorm.DEFAULT_METHODS, ['endorm', 'loglik', 'length']);
  assert.equal(endorm.canonicalMethodSpec('endorm:gamma=1,alpha=1'), 'endorm');
  assert.ok(endorm.METHOD_NAMES.includes('judge-pairwise') && endorm.RESPONSE_METHOD_NAMES.includes('loglik'));
  assert.equal(endorm.DEVICES.cpu.name, 'cpu');
  assert.ok(endorm.protocols().some((p) => p.name === 'rm-bench'));
});

test('resolveDatasetSource leaves a path as it is, and openBenchmarkDataset reads what it gives', async () => {
  const file = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
  const source = await endorm.resolveDatasetSource(file);
  assert.deepEqual(source, { path: file });
  const { protocol, dataset } = await endorm.openBenchmarkDataset(source);
  assert.equal(protocol.name, 'pairs');
  assert.equal(dataset.name, 'stories-sample');
});

test("EXIT holds every code docs/exit-codes.md's table lists, 6 (cannot write) and 7 (run folder locked) included", () => {
  assert.deepEqual(
    { cannotWrite: endorm.EXIT.cannotWrite, locked: endorm.EXIT.locked, interrupted: endorm.EXIT.interrupted, terminated: endorm.EXIT.terminated },
    { cannotWrite: 6, locked: 7, interrupted: 130, terminated: 143 },
  );
  const table = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'exit-codes.md'), 'utf8');
  const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  assert.deepEqual(documented, Object.values(endorm.EXIT).sort((a, b) => a - b));
});
