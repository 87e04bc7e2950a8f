import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { summarizeRun } from '../report/summarize-run.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { ACCURACY_HEADLINE, headlineOf, namedNumber, numberNames } from './headline.js';
import { protocolOfKind } from './registry.js';

test('every protocol has a headline: RM-Bench its average (and what it leaves out), plain pairs accuracy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-headline-'));
  await writeSyntheticRun(join(dir, 'rm'), { groups: ['chat', 'code', 'safety-refuse', 'safety-response'] });
  await writeSyntheticRun(join(dir, 'pairs'), { kind: 'pairs', groups: ['a', 'b'] });
  const rmRun = (await summarizeRun(join(dir, 'rm'))).methods['endorm']!;
  const pairs = (await summarizeRun(join(dir, 'pairs'))).methods['endorm']!;
  const rmBench = protocolOfKind('rm-bench');
  assert.equal(headlineOf(rmBench).title, 'RM-Bench average');
  assert.equal(headlineOf(rmBench).missing!(rmRun), '3 of 4 domains: math missing');
  assert.equal(headlineOf(protocolOfKind('pairs')), ACCURACY_HEADLINE);
  assert.equal(headlineOf(protocolOfKind('pairs')).value(pairs), pairs.accuracy);

  // Named numbers, for --fail-under METHOD@NAME: the headline by default, pooled, a part, a present section.
  assert.deepEqual(namedNumber(rmBench, rmRun), { label: 'RM-Bench average', value: rmRun.headline!.value });
  assert.deepEqual(namedNumber(rmBench, rmRun, 'pooled'), { label: 'pooled accuracy', value: rmRun.accuracy });
  assert.deepEqual(namedNumber(rmBench, rmRun, 'EASY'), { label: 'RM-Bench easy', value: rmRun.headline!.parts!['easy']!.value });
  assert.equal(namedNumber(rmBench, rmRun, 'code')!.label, 'RM-Bench code');
  assert.equal(namedNumber(rmBench, rmRun, 'math'), undefined, 'a domain without records has no number');
  assert.deepEqual(numberNames(rmBench, rmRun), ['headline', 'pooled', 'easy', 'normal', 'hard', 'chat', 'code', 'safety']);
  assert.deepEqual(namedNumber(protocolOfKind('pairs'), pairs, 'pooled'), { label: 'accuracy', value: pairs.accuracy });
  await rm(dir, { recursive: true });
});
