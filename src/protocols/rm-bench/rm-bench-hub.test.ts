import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { HubProgressEvent } from '../../model/hub/progress.js';
import { datasetRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { hubAliases, isHubDatasetAlias, resolveHubDataset } from '../registry.js';

const RM_BENCH = Buffer.from(
  JSON.stringify([{ id: 0, prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'], domain: 'chat' }]),
);

describe('resolveHubDataset', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  const opts = () => ({ endpoint: hub.endpoint, cacheRoot, token: '' });

  before(async () => {
    hub = await startFakeHub(new Map([[datasetRoute('THU-KEG/RM-Bench', 'total_dataset.json'), RM_BENCH]]));
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hub-'));
    hub.requests.length = 0;
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it('downloads rm-bench from the THU-KEG/RM-Bench dataset once, then serves the cache', async () => {
    const events: HubProgressEvent[] = [];
    const local = await resolveHubDataset('rm-bench', { ...opts(), onProgress: (e) => events.push(e) });
    assert.equal(local, path.join(cacheRoot, 'hub', 'datasets--THU-KEG--RM-Bench', 'main', 'total_dataset.json'));
    assert.deepEqual(await readFile(local), RM_BENCH);
    assert.deepEqual(hub.requests.map((r) => r.path), ['/datasets/THU-KEG/RM-Bench/resolve/main/total_dataset.json']);
    assert.deepEqual(events.at(-1), {
      repo: 'THU-KEG/RM-Bench',
      file: 'total_dataset.json',
      loaded: RM_BENCH.length,
      total: RM_BENCH.length,
      done: true,
    });

    assert.equal(await resolveHubDataset('rm-bench', opts()), local);
    assert.equal(await resolveHubDataset('rm-bench', { ...opts(), offline: true }), local);
    assert.equal(hub.requests.length, 1);
  });

  it('offline without a cached copy fails without a request', async () => {
    await assert.rejects(
      resolveHubDataset('rm-bench', { ...opts(), offline: true }),
      /dataset "THU-KEG\/RM-Bench" file "total_dataset.json" \(revision main\) is not cached.*--offline forbids downloading/,
    );
    assert.equal(hub.requests.length, 0);
  });

  it('knows its aliases', async () => {
    assert.equal(hubAliases().get('rm-bench')!.protocol.name, 'rm-bench');
    assert.equal(hubAliases().get('rm-bench')!.repo, 'THU-KEG/RM-Bench');
    assert.ok(isHubDatasetAlias('rm-bench'));
    assert.ok(!isHubDatasetAlias('constructor'));
    await assert.rejects(resolveHubDataset('nope', opts()), /unknown Hub dataset "nope" \(known: (.+, )?rm-bench(, .+)?\)/);
  });
});
