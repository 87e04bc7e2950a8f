import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { downloadHubFile, removeStalePartFiles } from './download-file.js';
import { datasetRoute, modelRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { HubError } from './hub-errors.js';
import { hubCachePath } from './hub-paths.js';
import type { HubProgressEvent } from './progress.js';

const REPO = 'owner/tiny';
const WEIGHTS = randomBytes(256 * 1024); // several chunks, so progress and truncation happen mid-stream
const CONFIG = Buffer.from('{"model_type":"llama"}');

function hasCode(code: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof HubError, `expected a HubError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

/** Every file under `dir`, relative, so tests can assert that nothing (no part file) was left behind. */
async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
  } catch {
    return [];
  }
}

describe('downloadHubFile', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  const weights = { repo: REPO, repoType: 'model' as const, path: 'onnx/model.onnx' };
  const opts = () => ({ endpoint: hub.endpoint, cacheRoot, token: '' });

  before(async () => {
    hub = await startFakeHub(
      new Map([
        [modelRoute(REPO, 'onnx/model.onnx'), WEIGHTS],
        [modelRoute(REPO, 'config.json'), CONFIG],
        [datasetRoute('org/bench', 'data/total.json'), Buffer.from('[1,2,3]')],
      ]),
    );
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hub-'));
    hub.requests.length = 0;
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it('removes the part files a killed download left, never a live or recent one', async () => {
    const final = hubCachePath(cacheRoot, weights);
    await mkdir(path.dirname(final), { recursive: true });
    const dead = 2 ** 22 + 7; // above Linux's pid_max: no such process
    const hourAgo = new Date(Date.now() - 3600_000);
    const part = (pid: number) => `${final}.part-${pid}-${randomBytes(6).toString('hex')}`;
    const stale = part(dead);
    const live = part(process.pid);
    const recent = part(dead);
    for (const f of [stale, live, recent]) await writeFile(f, 'half');
    await utimes(stale, hourAgo, hourAgo);
    await utimes(live, hourAgo, hourAgo);
    await writeFile(`${final}.partial-notes`, 'not ours');

    const local = await downloadHubFile({ ...weights, ...opts() });
    assert.deepEqual(await readFile(local), WEIGHTS);
    const left = (await listFiles(path.dirname(final))).sort();
    assert.deepEqual(left, [path.basename(live), path.basename(recent), 'model.onnx', 'model.onnx.partial-notes'].sort());
    assert.deepEqual(await removeStalePartFiles(final, Date.now() + 3600_000), [recent]);
  });

  it('downloads into the cache with progress, then serves the cached copy without a request', async () => {
    const events: HubProgressEvent[] = [];
    const local = await downloadHubFile({ ...weights, ...opts(), onProgress: (e) => events.push(e) });
    assert.equal(local, hubCachePath(cacheRoot, weights));
    assert.ok(path.isAbsolute(local));
    assert.deepEqual(await readFile(local), WEIGHTS);
    assert.deepEqual(await listFiles(cacheRoot), [path.join('hub', 'models--owner--tiny', 'main', 'onnx', 'model.onnx')]);

    assert.equal(hub.requests.length, 1);
    assert.equal(hub.requests[0]!.method, 'GET');
    assert.equal(hub.requests[0]!.path, '/owner/tiny/resolve/main/onnx/model.onnx');
    assert.equal(hub.requests[0]!.acceptEncoding, 'identity');

    assert.ok(events.length >= 3, `only ${events.length} progress events`);
    assert.deepEqual(events[0], { repo: REPO, file: 'onnx/model.onnx', loaded: 0, total: WEIGHTS.length, done: false });
    assert.deepEqual(events.at(-1), { repo: REPO, file: 'onnx/model.onnx', loaded: WEIGHTS.length, total: WEIGHTS.length, done: true });
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.loaded >= events[i - 1]!.loaded);

    const again: HubProgressEvent[] = [];
    assert.equal(await downloadHubFile({ ...weights, ...opts(), onProgress: (e) => again.push(e) }), local);
    assert.equal(hub.requests.length, 1, 'the cached file must cost no request');
    assert.deepEqual(again, []);
  });

  it('uses the dataset URL layout and cache folder', async () => {
    const local = await downloadHubFile({ repo: 'org/bench', repoType: 'dataset', path: 'data/total.json', ...opts() });
    assert.equal(hub.requests[0]!.path, '/datasets/org/bench/resolve/main/data/total.json');
    assert.equal(local, path.join(cacheRoot, 'hub', 'datasets--org--bench', 'main', 'data', 'total.json'));
    assert.equal(await readFile(local, 'utf8'), '[1,2,3]');
  });

  it('sends HF_TOKEN as a Bearer token, and says how to fix a refused one', async () => {
    hub.requireToken('hf_secret');
    try {
      await assert.rejects(
        downloadHubFile({ ...weights, ...opts() }),
        hasCode('unauthorized', /HTTP 401.*set HF_TOKEN to a Hugging Face access token/),
      );
      await assert.rejects(
        downloadHubFile({ ...weights, ...opts(), token: 'hf_wrong' }),
        hasCode('unauthorized', /the HF_TOKEN sent was refused/),
      );
      await downloadHubFile({ ...weights, ...opts(), token: 'hf_secret' });
      assert.deepEqual(
        hub.requests.map((r) => r.authorization),
        [undefined, 'Bearer hf_wrong', 'Bearer hf_secret'],
      );
    } finally {
      hub.requireToken(undefined);
    }
  });

  it('explains a gated repo', async () => {
    hub.misbehave(modelRoute(REPO, 'config.json'), { kind: 'status', status: 403, errorCode: 'GatedRepo' });
    await assert.rejects(
      downloadHubFile({ repo: REPO, repoType: 'model', path: 'config.json', ...opts() }),
      hasCode('unauthorized', /is gated: accept its conditions.*HF_TOKEN/),
    );
  });

  it('names the repo, file and revision on a 404', async () => {
    await assert.rejects(
      downloadHubFile({ repo: 'x/y', repoType: 'model', path: 'onnx/model.onnx', ...opts() }),
      (err: unknown) => {
        assert.ok(err instanceof HubError);
        assert.equal(err.code, 'not-found');
        assert.equal(err.message, 'model "x/y" has no file "onnx/model.onnx" on the Hub (revision main)');
        return true;
      },
    );
    await assert.rejects(
      downloadHubFile({ repo: 'org/bench', repoType: 'dataset', path: 'nope.json', revision: 'v2', ...opts() }),
      hasCode('not-found', /^dataset "org\/bench" has no file "nope.json" on the Hub \(revision v2\)$/),
    );
    assert.deepEqual(await listFiles(cacheRoot), []);
  });

  it('reports other HTTP failures with the URL', async () => {
    hub.misbehave(modelRoute(REPO, 'config.json'), { kind: 'status', status: 503 });
    await assert.rejects(
      downloadHubFile({ repo: REPO, repoType: 'model', path: 'config.json', ...opts() }),
      hasCode('http', /HTTP 503 .*\/owner\/tiny\/resolve\/main\/config\.json.*--offline/),
    );
  });

  it('names the URL and suggests --offline when the Hub cannot be reached', async () => {
    const closed = await startFakeHub();
    const endpoint = closed.endpoint;
    await closed.close();
    await assert.rejects(
      downloadHubFile({ ...weights, cacheRoot, endpoint }),
      hasCode('network', new RegExp(`could not reach the Hub at ${endpoint}/owner/tiny/resolve/main/onnx/model\\.onnx.*--offline`)),
    );
    assert.deepEqual(await listFiles(cacheRoot), []);
  });

  it('offline: serves the cache, and refuses to download what is not cached', async () => {
    const local = await downloadHubFile({ ...weights, ...opts() });
    hub.requests.length = 0;
    assert.equal(await downloadHubFile({ ...weights, ...opts(), offline: true }), local);
    await assert.rejects(
      downloadHubFile({ repo: REPO, repoType: 'model', path: 'config.json', ...opts(), offline: true }),
      hasCode('not-cached', /^model "owner\/tiny" file "config.json" \(revision main\) is not cached .*--offline forbids downloading it/),
    );
    assert.equal(hub.requests.length, 0, 'offline must never touch the network');
  });

  it('leaves neither the file nor a part file after a transfer cut halfway, and a retry succeeds', async () => {
    hub.misbehave(modelRoute(REPO, 'onnx/model.onnx'), { kind: 'truncate' });
    const events: HubProgressEvent[] = [];
    await assert.rejects(
      downloadHubFile({ ...weights, ...opts(), onProgress: (e) => events.push(e) }),
      hasCode('interrupted', new RegExp(`interrupted after \\d+ of ${WEIGHTS.length} bytes.*Run again to retry`)),
    );
    assert.ok(events.every((e) => !e.done));
    assert.deepEqual(await listFiles(cacheRoot), [], 'no file may be left at the final path, nor a part file');

    const local = await downloadHubFile({ ...weights, ...opts() });
    assert.deepEqual(await readFile(local), WEIGHTS);
    assert.deepEqual(await listFiles(cacheRoot), [path.relative(cacheRoot, local)]);
  });

  it('stops on abort and cleans up', async () => {
    hub.misbehave(modelRoute(REPO, 'onnx/model.onnx'), { kind: 'stall' });
    const controller = new AbortController();
    await assert.rejects(
      downloadHubFile({
        ...weights,
        ...opts(),
        signal: controller.signal,
        onProgress: (e) => {
          if (e.loaded > 0) controller.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.deepEqual(await listFiles(cacheRoot), []);
  });

  it('passes on an error thrown by the progress callback, and cleans up', async () => {
    await assert.rejects(
      downloadHubFile({
        ...weights,
        ...opts(),
        onProgress: (e) => {
          if (e.loaded > 0) throw new Error('bar broke');
        },
      }),
      /^Error: bar broke$/,
    );
    assert.deepEqual(await listFiles(cacheRoot), []);
  });

  it('follows redirects, as the Hub does for LFS files', async () => {
    const cdn = '/cdn/blob/abc123';
    hub.setFile(cdn, WEIGHTS);
    hub.redirect(modelRoute(REPO, 'onnx/model_fp16.onnx'), cdn);
    const local = await downloadHubFile({ repo: REPO, repoType: 'model', path: 'onnx/model_fp16.onnx', ...opts() });
    assert.deepEqual(await readFile(local), WEIGHTS);
    assert.deepEqual(
      hub.requests.map((r) => r.path),
      ['/owner/tiny/resolve/main/onnx/model_fp16.onnx', cdn],
    );
  });

  it('accepts an answer without Content-Length, reporting an unknown total', async () => {
    const route = modelRoute(REPO, 'tokenizer.json');
    hub.setFile(route, WEIGHTS);
    hub.omitLength(route);
    const events: HubProgressEvent[] = [];
    const local = await downloadHubFile({ repo: REPO, repoType: 'model', path: 'tokenizer.json', ...opts(), onProgress: (e) => events.push(e) });
    assert.deepEqual(await readFile(local), WEIGHTS);
    assert.ok(events.every((e) => e.total === undefined));
    assert.equal(events.at(-1)!.loaded, WEIGHTS.length);
  });

  it('refuses malformed ids and paths before any request', async () => {
    await assert.rejects(downloadHubFile({ repo: '../../etc', repoType: 'model', path: 'x', ...opts() }), hasCode('invalid'));
    await assert.rejects(downloadHubFile({ repo: REPO, repoType: 'model', path: '../../x', ...opts() }), hasCode('invalid'));
    assert.equal(hub.requests.length, 0);
  });
});
