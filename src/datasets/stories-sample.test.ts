import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { collect } from '../testing/dataset-fixtures.js';
import { openDataset } from './open-dataset.js';

/** The shipped sample, from dist/datasets/ or src/datasets/ alike. */
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'datasets', 'stories-sample.jsonl');

describe('datasets/stories-sample.jsonl', () => {
  it('holds at least 60 pairs whose rejected response is the chosen one with its words scrambled', async () => {
    const dataset = await openDataset(SAMPLE);
    assert.equal(dataset.name, 'stories-sample');
    assert.equal(dataset.kind, 'pairs');
    const pairs = await collect(dataset.pairs());
    assert.ok(pairs.length >= 60, `${pairs.length} pairs`);
    assert.equal(new Set(pairs.map((p) => p.key)).size, pairs.length);
    assert.equal(new Set(pairs.map((p) => p.chosen[0])).size, pairs.length);
    for (const pair of pairs) {
      const chosen = pair.chosen[0]!;
      const rejected = pair.rejected[0]!;
      assert.equal(typeof pair.prompt, 'string');
      assert.match(pair.prompt as string, /[.!?"] $/, `${pair.id}: the prompt ends with a sentence and one space`);
      assert.notEqual(rejected, chosen, pair.id);
      assert.deepEqual(rejected.split(' ').sort(), chosen.split(' ').sort(), `${pair.id}: same words`);
      const sentences = chosen.split(/(?<=[.!?])\s+/).length;
      assert.ok(sentences >= 2 && sentences <= 3, `${pair.id}: ${sentences} sentences`);
    }
  });
});
