import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { datasetRoute, listingRoute, modelRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { HubError } from './hub-errors.js';
import { hubListingCachePath, listHubRepoFiles } from './repo-files.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER_SHA = 'fedcba9876543210fedcba9876543210fedcba98';

function hubError(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof HubError, `expected a HubError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('listHubRepoFiles', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  const opts = () => ({ endpoint: hub.endpoint, cacheRoot, token: '' });
  const dataset = { repo: 'org/bench', repoType: 'dataset' as const };

  before(async () => {
    hub = await startFakeHub(
      new Map([
        [datasetRoute('org/bench', 'README.md'), Buffer.from('# bench')],
        [datasetRoute('org/bench', 'data/test-00000-of-00001.parquet'), Buffer.from('PAR1')],
        [datasetRoute('org/bench', 'old.jsonl', 'v1'), Buffer.from('{}')],
        [modelRoute('org/model', 'config.json'), Buffer.from('{}')],
      ]),
    );
    hub.setCommit('org/bench', 'main', SHA);
    hub.setCommit('org/bench', 'v1', OTHER_SHA);
    hub.setCommit('org/model', 'main', OTHER_SHA, 'model');
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hub-list-'));
    hub.requests.length = 0;
    hub.requireToken(undefined);
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it('lists a revision with the commit it stands at, and remembers it for --offline', async () => {
    const listing = await listHubRepoFiles({ ...dataset, ...opts() });
    assert.deepEqual(listing, { revision: 'main', commit: SHA, files: ['README.md', 'data/test-00000-of-00001.parquet'] });
    assert.deepEqual(await listHubRepoFiles({ ...dataset, ...opts(), revision: 'v1' }), { revision: 'v1', commit: OTHER_SHA, files: ['old.jsonl'] });
    assert.deepEqual(
      (await listHubRepoFiles({ repo: 'org/model', repoType: 'model', ...opts() })).files,
      ['config.json'],
    );
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      [listingRoute('org/bench'), listingRoute('org/bench', 'v1'), listingRoute('org/model', 'main', 'model')],
    );

    hub.requests.length = 0;
    assert.deepEqual(await listHubRepoFiles({ ...dataset, ...opts(), offline: true }), listing);
    assert.equal(hub.requests.length, 0);
  });

  it('lists a commit once, since a commit never changes', async () => {
    const first = await listHubRepoFiles({ ...dataset, ...opts(), revision: SHA });
    assert.deepEqual(first, { revision: SHA, commit: SHA, files: ['README.md', 'data/test-00000-of-00001.parquet'] });
    assert.deepEqual(await listHubRepoFiles({ ...dataset, ...opts(), revision: SHA }), first);
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      [listingRoute('org/bench', SHA)],
    );
  });

  it('remembers a branch listing under its commit too, so that a later listing of that commit is free, offline too', async () => {
    const listing = await listHubRepoFiles({ ...dataset, ...opts() });
    hub.requests.length = 0;
    assert.deepEqual(await listHubRepoFiles({ ...dataset, ...opts(), revision: SHA }), { ...listing, revision: SHA });
    assert.deepEqual(await listHubRepoFiles({ ...dataset, ...opts(), revision: SHA, offline: true }), { ...listing, revision: SHA });
    assert.equal(hub.requests.length, 0);
  });

  it('sends the token, and says what is missing, refused or garbled', async () => {
    hub.requireToken('secret');
    await listHubRepoFiles({ ...dataset, ...opts(), token: 'secret' });
    assert.equal(hub.requests[0]!.authorization, 'Bearer secret');
    await assert.rejects(listHubRepoFiles({ ...dataset, ...opts() }), hubError('unauthorized', /set HF_TOKEN/));
    hub.requireToken(undefined);

    await assert.rejects(listHubRepoFiles({ ...dataset, ...opts(), revision: 'nope' }), hubError('not-found', /dataset "org\/bench" has no revision "nope"/));
    await assert.rejects(listHubRepoFiles({ repo: 'org/absent', repoType: 'dataset', ...opts() }), hubError('not-found', /dataset "org\/absent" was not found/));
    await assert.rejects(listHubRepoFiles({ repo: '../etc', repoType: 'dataset', ...opts() }), hubError('invalid', /not a valid Hub dataset id/));

    hub.setFile(listingRoute('org/garbled'), Buffer.from('{"sha": "main", "siblings": []}'));
    await assert.rejects(listHubRepoFiles({ repo: 'org/garbled', repoType: 'dataset', ...opts() }), hubError('http', /is not a repository listing/));
    hub.misbehave(listingRoute('org/bench'), { kind: 'status', status: 503 });
    await assert.rejects(listHubRepoFiles({ ...dataset, ...opts() }), hubError('http', /answered HTTP 503/));
  });

  it('still lists when the cache cannot be written, and then has nothing for --offline', async () => {
    // A file where the listings folder should be: every write under it fails.
    await mkdir(path.join(cacheRoot, 'hub', 'datasets--org--bench'), { recursive: true });
    await writeFile(path.join(cacheRoot, 'hub', 'datasets--org--bench', '.listings'), 'in the way');
    assert.equal((await listHubRepoFiles({ ...dataset, ...opts() })).commit, SHA);
    await assert.rejects(listHubRepoFiles({ ...dataset, ...opts(), offline: true }), hubError('not-cached', /is not cached/));
  });

  it('offline, fails without a request when the list was never fetched or its cache is damaged', async () => {
    await assert.rejects(
      listHubRepoFiles({ ...dataset, ...opts(), offline: true }),
      hubError('not-cached', /file list of dataset "org\/bench" \(revision main\) is not cached.*run once without --offline/),
    );
    await listHubRepoFiles({ ...dataset, ...opts() });
    await writeFile(hubListingCachePath(cacheRoot, 'org/bench', 'dataset', 'main'), '{"commit": "0123');
    hub.requests.length = 0;
    await assert.rejects(listHubRepoFiles({ ...dataset, ...opts(), offline: true }), hubError('not-cached', /is not cached/));
    assert.equal(hub.requests.length, 0);
  });
});
