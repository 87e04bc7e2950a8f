import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { datasetSplits, defaultSplit, splitFiles } from './hub-split-files.js';

describe('Hub split files', () => {
  it("find push_to_hub's shards, in shard order (allenai/reward-bench's layout)", () => {
    const files = [
      '.gitattributes',
      'README.md',
      'data/raw-00000-of-00001.parquet',
      'data/filtered-00001-of-00002.parquet',
      'data/filtered-00000-of-00002.parquet',
    ];
    assert.deepEqual(datasetSplits(files), ['filtered', 'raw']);
    assert.equal(defaultSplit(files), undefined);
    assert.deepEqual(splitFiles(files, 'filtered'), {
      split: 'filtered',
      format: 'parquet',
      files: ['data/filtered-00000-of-00002.parquet', 'data/filtered-00001-of-00002.parquet'],
    });
    // The old push_to_hub added a hash after the shard numbers.
    assert.deepEqual(splitFiles(['data/train-00000-of-00001-5c1d2e.parquet'], 'train')?.files, ['data/train-00000-of-00001-5c1d2e.parquet']);
  });

  it('find a file or a folder named for the split, at the top or under data/', () => {
    const files = ['train.jsonl', 'data/test.json', 'validation/part-1.parquet', 'data/dev/a/b.jsonl', 'notes.txt'];
    assert.deepEqual(datasetSplits(files), ['dev', 'test', 'train', 'validation']);
    assert.equal(defaultSplit(files), 'train');
    assert.deepEqual(splitFiles(files, 'train'), { split: 'train', format: 'jsonl', files: ['train.jsonl'] });
    assert.deepEqual(splitFiles(files, 'test'), { split: 'test', format: 'json', files: ['data/test.json'] });
    assert.deepEqual(splitFiles(files, 'validation')?.files, ['validation/part-1.parquet']);
    assert.deepEqual(splitFiles(files, 'dev')?.files, ['data/dev/a/b.jsonl']);
    assert.deepEqual(datasetSplits(['data/test.v2-00000-of-00001.parquet']), ['test.v2']);
    assert.deepEqual(splitFiles(['test.v2.jsonl', 'testv2.jsonl'], 'test.v2')?.files, ['test.v2.jsonl']);
  });

  it('take the first convention that finds files, and one format within it', () => {
    assert.deepEqual(splitFiles(['test.jsonl', 'data/test-00000-of-00001.parquet'], 'test')?.files, ['data/test-00000-of-00001.parquet']);
    // The commonest format wins; on a tie Parquet, then JSONL.
    assert.deepEqual(splitFiles(['train/a.json', 'train/b.jsonl', 'train/c.jsonl'], 'train'), {
      split: 'train',
      format: 'jsonl',
      files: ['train/b.jsonl', 'train/c.jsonl'],
    });
    assert.equal(splitFiles(['train/a.json', 'train/a.parquet'], 'train')?.format, 'parquet');
  });

  it('do not take a name that merely contains the split, nor metadata or unsupported files', () => {
    const files = ['train_extra.jsonl', 'training/a.jsonl', 'my_train_file.jsonl', 'train.csv', 'dataset_infos.json', 'data/state.json'];
    assert.equal(splitFiles(files, 'train'), undefined);
    assert.deepEqual(datasetSplits(files), ['my_train_file', 'train_extra', 'training']);
    assert.equal(defaultSplit(['README.md', 'dataset_infos.json']), undefined);
    assert.equal(defaultSplit(['data/only-00000-of-00001.parquet']), 'only');
  });
});
