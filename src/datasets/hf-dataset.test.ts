import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { datasetRoute, listingRoute, startFakeHub, type FakeHub } from '../testing/fake-hub-server.js';
import { HubError } from '../model/hub/hub-errors.js';
import { jsonl } from '../testing/dataset-fixtures.js';
import { parseHfDatasetSpec } from './hf-dataset-spec.js';
import { resolveHfDataset } from './hf-dataset.js';

const SHA = 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd';
const SHARD_0 = Buffer.from(jsonl([{ prompt: 'p0', chosen: 'a', rejected: 'b' }]));
const SHARD_1 = Buffer.from(jsonl([{ prompt: 'p1', chosen: 'c', rejected: 'd' }]));

function hubError(code: string, pattern: RegExp) {
  return (err: unknown) => err instanceof HubError && err.code === code && pattern.test(err.message);
}

describe('resolveHfDataset', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  const opts = () => ({ endpoint: hub.endpoint, cacheRoot, token: '' });

  before(async () => {
    hub = await startFakeHub(
      new Map([
        [datasetRoute('org/pairs', 'README.md'), Buffer.from('# pairs')],
        [datasetRoute('org/pairs', 'data/test-00001-of-00002.jsonl'), SHARD_1],
        [datasetRoute('org/pairs', 'data/test-00000-of-00002.jsonl'), SHARD_0],
        [datasetRoute('org/pairs', 'data/train.jsonl'), SHARD_0],
        [datasetRoute('org/two', 'a.jsonl'), SHARD_0],
        [datasetRoute('org/two', 'b.parquet'), SHARD_1],
        [datasetRoute('org/empty', 'README.md'), Buffer.from('# nothing')],
        [datasetRoute('org/evil', 'train/../../../escape.jsonl'), SHARD_0],
      ]),
    );
    for (const repo of ['org/pairs', 'org/two', 'org/empty', 'org/evil']) hub.setCommit(repo, 'main', SHA);
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hf-dataset-'));
    hub.requests.length = 0;
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it("downloads a split's files at the listed commit, then serves them offline", async () => {
    const resolved = await resolveHfDataset(parseHfDatasetSpec('hf:org/pairs:test'), opts());
    const folder = path.join(cacheRoot, 'hub', 'datasets--org--pairs', SHA);
    assert.deepEqual(resolved, {
      repo: 'org/pairs',
      revision: 'main',
      commit: SHA,
      split: 'test',
      format: 'jsonl',
      files: [0, 1].map((n) => ({
        repoPath: `data/test-0000${n}-of-00002.jsonl`,
        path: path.join(folder, 'data', `test-0000${n}-of-00002.jsonl`),
        displayName: `hf:org/pairs/data/test-0000${n}-of-00002.jsonl`,
      })),
    });
    assert.deepEqual(await readFile(resolved.files[1]!.path), SHARD_1);
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      [
        listingRoute('org/pairs'),
        `/datasets/org/pairs/resolve/${SHA}/data/test-00000-of-00002.jsonl`,
        `/datasets/org/pairs/resolve/${SHA}/data/test-00001-of-00002.jsonl`,
      ],
    );

    hub.requests.length = 0;
    assert.deepEqual(await resolveHfDataset({ repo: 'org/pairs', split: 'test' }, { ...opts(), offline: true }), resolved);
    assert.equal(hub.requests.length, 0);
    // Offline, a split never downloaded is an error, not an empty dataset.
    await assert.rejects(resolveHfDataset({ repo: 'org/pairs', split: 'train' }, { ...opts(), offline: true }), hubError('not-cached', /data\/train\.jsonl/));
  });

  it('reads "train" when no split is named, and says which splits there are when that is ambiguous or wrong', async () => {
    const train = await resolveHfDataset({ repo: 'org/pairs' }, opts());
    assert.equal(train.split, 'train');
    assert.deepEqual(
      train.files.map((f) => f.repoPath),
      ['data/train.jsonl'],
    );
    await assert.rejects(
      resolveHfDataset({ repo: 'org/two' }, opts()),
      hubError('not-found', /^dataset "org\/two" \(revision main, commit aaaaaaa\) has several splits \(a, b\) and none is "train"; name one: hf:org\/two:a$/),
    );
    await assert.rejects(
      resolveHfDataset({ repo: 'org/pairs', split: 'validation' }, opts()),
      hubError('not-found', /has no Parquet, JSONL or JSON files for split "validation"; its splits: test, train$/),
    );
    await assert.rejects(resolveHfDataset({ repo: 'org/empty' }, opts()), hubError('not-found', /has no Parquet, JSONL or JSON data files named for a split/));
    await assert.rejects(resolveHfDataset({ repo: 'org/pairs', revision: 'v9' }, opts()), hubError('not-found', /has no revision "v9"/));
  });

  it('refuses a listed path that would climb out of the cache', async () => {
    await assert.rejects(
      resolveHfDataset({ repo: 'org/evil', split: 'train' }, opts()),
      hubError('invalid', /"train\/\.\.\/\.\.\/\.\.\/escape\.jsonl" is not a valid file path inside a Hub repository/),
    );
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      [listingRoute('org/evil')],
    );
  });
});
