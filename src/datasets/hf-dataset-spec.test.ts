import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../model/hub/hub-errors.js';
import { formatHfDatasetSpec, isHfDatasetSpec, parseHfDatasetSpec } from './hf-dataset-spec.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('hf: dataset specs', () => {
  it('read a repository with an optional revision and split', () => {
    assert.deepEqual(parseHfDatasetSpec('hf:allenai/reward-bench'), { repo: 'allenai/reward-bench' });
    assert.deepEqual(parseHfDatasetSpec('hf:allenai/reward-bench:filtered'), { repo: 'allenai/reward-bench', split: 'filtered' });
    assert.deepEqual(parseHfDatasetSpec('hf:org/data.set@v1.0'), { repo: 'org/data.set', revision: 'v1.0' });
    assert.deepEqual(parseHfDatasetSpec(`hf:org/x@${SHA}:test.v2`), { repo: 'org/x', revision: SHA, split: 'test.v2' });
    assert.deepEqual(parseHfDatasetSpec('hf:org/x@refs/pr/3:train'), { repo: 'org/x', revision: 'refs/pr/3', split: 'train' });
    assert.ok(isHfDatasetSpec('hf:org/x'));
    assert.ok(!isHfDatasetSpec('reward-bench'));
    assert.ok(!isHfDatasetSpec('data/hf:x.jsonl'));
  });

  it('print back as they were written', () => {
    for (const text of ['hf:org/x', 'hf:org/x:test', 'hf:org/x@v1', `hf:org/x@${SHA}:train`]) {
      assert.equal(formatHfDatasetSpec(parseHfDatasetSpec(text)), text);
    }
  });

  it('refuse a malformed spec, saying what is wrong and what is expected', () => {
    const cases: [string, string][] = [
      ['org/x', 'it does not start with "hf:"'],
      ['hf:', 'the repository is missing'],
      ['hf::train', 'the repository is missing'],
      ['hf:a/b/c', '"a/b/c" is not a repository id'],
      ['hf:org/-x', '"org/-x" is not a repository id'],
      ['hf:org/x@', '"" is not a revision'],
      ['hf:org/x@a b', '"a b" is not a revision'],
      ['hf:org/x@../main', '"../main" is not a revision'],
      ['hf:org/x:', '"" is not a split name'],
      ['hf:org/x:my-split', '"my-split" is not a split name'],
      ['hf:org/x:a:b', '"a:b" is not a split name'],
    ];
    for (const [text, what] of cases) {
      assert.throws(
        () => parseHfDatasetSpec(text),
        (error: unknown) =>
          error instanceof HubError &&
          error.code === 'invalid' &&
          error.message.startsWith(`"${text}" is not a Hub dataset: ${what}`) &&
          error.message.endsWith('(expected hf:OWNER/NAME[@REVISION][:SPLIT], e.g. hf:my-org/my-pairs@v1.0:test)'),
        text,
      );
    }
  });
});
