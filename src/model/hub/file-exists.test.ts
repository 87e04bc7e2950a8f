import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { downloadHubFile } from './download-file.js';
import { modelRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { fileExistsOnHub } from './file-exists.js';
import { HubError } from './hub-errors.js';

const REPO = 'owner/tiny';

describe('fileExistsOnHub', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  const opts = () => ({ repo: REPO, repoType: 'model' as const, endpoint: hub.endpoint, cacheRoot, token: '' });

  before(async () => {
    hub = await startFakeHub(new Map([[modelRoute(REPO, 'generation_config.json'), Buffer.from('{}')]]));
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hub-'));
    hub.requests.length = 0;
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it('asks with HEAD, and remembers an absent file so the next probe costs no request', async () => {
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'generation_config.json' }), true);
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'special_tokens_map.json' }), false);
    assert.deepEqual(
      hub.requests.map((r) => `${r.method} ${r.path}`),
      ['HEAD /owner/tiny/resolve/main/generation_config.json', 'HEAD /owner/tiny/resolve/main/special_tokens_map.json'],
    );
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'special_tokens_map.json' }), false);
    assert.equal(hub.requests.length, 2);
    // The marker is per revision: another revision is asked afresh.
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'special_tokens_map.json', revision: 'v2' }), false);
    assert.equal(hub.requests.length, 3);
  });

  it('answers from the cache for a cached file, and offline from the cache only', async () => {
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'generation_config.json', offline: true }), false);
    assert.equal(hub.requests.length, 0);
    await downloadHubFile({ ...opts(), path: 'generation_config.json' });
    hub.requests.length = 0;
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'generation_config.json' }), true);
    assert.equal(await fileExistsOnHub({ ...opts(), path: 'generation_config.json', offline: true }), true);
    assert.equal(hub.requests.length, 0);
  });

  it('throws, rather than answering "absent", when the repo itself is refused or missing', async () => {
    hub.misbehave(modelRoute(REPO, 'generation_config.json'), { kind: 'status', status: 401, errorCode: 'RepoNotFound' });
    await assert.rejects(fileExistsOnHub({ ...opts(), path: 'generation_config.json' }), (e: unknown) => e instanceof HubError && e.code === 'unauthorized');
    hub.misbehave(modelRoute(REPO, 'generation_config.json'), { kind: 'status', status: 404, errorCode: 'RevisionNotFound' });
    await assert.rejects(fileExistsOnHub({ ...opts(), path: 'generation_config.json' }), /has no revision "main" on the Hub/);
  });
});
