import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { defaultCommit, folderRoutes, listingRoute, modelRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { HubError } from './hub-errors.js';
import { resolveHubModel } from './resolve-hub-model.js';
import type { HubProgressEvent } from './progress.js';

// Served read-only from memory; never copied into the project.
const SOURCE = '/work/shared/models/tiny-llama3';
const TINY = 'tiny/llama3';
const EXT = 'owner/external';

async function relativeFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('resolveHubModel', () => {
  let hub: FakeHub;
  let cacheRoot: string;
  let sourceFiles: string[];
  const opts = () => ({ endpoint: hub.endpoint, cacheRoot, token: '' });
  const externalData = [randomBytes(70_000), randomBytes(30_000)];

  before(async () => {
    sourceFiles = await relativeFiles(SOURCE);
    const routes = await folderRoutes(SOURCE, TINY);
    // A second repo whose fp16 weights are split into external-data chunks, to exercise the probe.
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      routes.set(modelRoute(EXT, file), await readFile(path.join(SOURCE, file)));
    }
    routes.set(modelRoute(EXT, 'onnx/model_fp16.onnx'), randomBytes(1000));
    routes.set(modelRoute(EXT, 'onnx/model_fp16.onnx_data'), externalData[0]!);
    routes.set(modelRoute(EXT, 'onnx/model_fp16.onnx_data_1'), externalData[1]!);
    hub = await startFakeHub(routes);
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'endorm-hub-'));
    hub.requests.length = 0;
  });
  afterEach(() => rm(cacheRoot, { recursive: true, force: true }));

  it('downloads a usable model folder once, at the commit its revision stands at, then works from the cache, online or offline', async () => {
    const events: HubProgressEvent[] = [];
    const commit = defaultCommit(TINY);
    const resolved = await resolveHubModel(TINY, { ...opts(), onProgress: (e) => events.push(e) });
    const folder = path.join(cacheRoot, 'hub', 'models--tiny--llama3', commit);
    assert.deepEqual(resolved, { folder, revision: 'main', commit });

    // Every file of the source, byte for byte, at the same relative path; nothing else.
    assert.deepEqual(await relativeFiles(folder), sourceFiles);
    for (const file of sourceFiles) {
      assert.deepEqual(await readFile(path.join(folder, file)), await readFile(path.join(SOURCE, file)), file);
    }
    // One listing says the commit and which optional files exist: nothing is probed, every file comes from the commit.
    assert.deepEqual(
      hub.requests.map((r) => `${r.method} ${r.path.replace(`/tiny/llama3/resolve/${commit}/`, '')}`),
      [
        `GET ${listingRoute(TINY, 'main', 'model')}`,
        'GET config.json',
        'GET tokenizer.json',
        'GET tokenizer_config.json',
        'GET generation_config.json',
        'GET onnx/model.onnx',
      ],
    );
    const finished = events.filter((e) => e.done).map((e) => e.file);
    assert.deepEqual(finished, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model.onnx']);
    const onnxSize = (await readFile(path.join(SOURCE, 'onnx/model.onnx'))).length;
    assert.ok(events.some((e) => e.file === 'onnx/model.onnx' && !e.done && e.total === onnxSize && e.loaded > 0));

    hub.requests.length = 0;
    assert.deepEqual(await resolveHubModel(TINY, opts()), resolved);
    assert.deepEqual(await resolveHubModel(TINY, { ...opts(), offline: true }), resolved);
    assert.deepEqual(await resolveHubModel(TINY, { ...opts(), revision: commit }), { ...resolved, revision: commit });
    assert.equal(hub.requests.length, 0, "a cached model costs no request, online or offline; the branch's listing was also kept under its commit");
  });

  it('--revision picks a branch or commit, each in its own folder; a revision the Hub lacks fails naming it', async () => {
    const sha = '1111111111111111111111111111111111111111';
    for (const file of sourceFiles) hub.setFile(modelRoute(TINY, file, 'v2'), await readFile(path.join(SOURCE, file)));
    hub.setCommit(TINY, 'v2', sha, 'model');
    const v2 = await resolveHubModel(TINY, { ...opts(), revision: 'v2' });
    assert.deepEqual(v2, { folder: path.join(cacheRoot, 'hub', 'models--tiny--llama3', sha), revision: 'v2', commit: sha });
    assert.ok(hub.requests.every((r) => r.path.startsWith('/api/') || r.path.includes(`/resolve/${sha}/`)));
    await assert.rejects(resolveHubModel(TINY, { ...opts(), revision: 'nope' }), /model "tiny\/llama3" has no revision "nope"/);
  });

  it('returns a folder that the tokenizer and ONNX Runtime load as a local model', async () => {
    const { folder } = await resolveHubModel(TINY, opts());
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(folder) + path.sep;
    const tokenizer = await AutoTokenizer.from_pretrained(path.basename(folder), { local_files_only: true });
    assert.ok(tokenizer.encode('hello world').length > 0);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(path.join(folder, 'onnx', 'model.onnx'));
    assert.ok(session.inputNames.includes('input_ids'));
    await session.release();
  });

  it('offline without a cached copy fails naming what is missing', async () => {
    await assert.rejects(resolveHubModel(TINY, { ...opts(), offline: true }), (err: unknown) => {
      assert.ok(err instanceof HubError);
      assert.equal(err.code, 'not-cached');
      assert.match(err.message, /file list of model "tiny\/llama3" \(revision main\) is not cached.*--offline forbids asking the Hub/);
      return true;
    });
    assert.equal(hub.requests.length, 0);
  });

  it('offline, a copy an earlier endorm cached under the revision name is used whole, its commit unknown', async () => {
    const legacy = path.join(cacheRoot, 'hub', 'models--tiny--llama3', 'main');
    const copy = async (files: string[]) => {
      for (const file of files) {
        await mkdir(path.dirname(path.join(legacy, file)), { recursive: true });
        await writeFile(path.join(legacy, file), await readFile(path.join(SOURCE, file)));
      }
    };
    await copy(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    // Without the ONNX file the copy cannot run: the missing file list is the error, as with no copy at all.
    await assert.rejects(resolveHubModel(TINY, { ...opts(), offline: true }), (err: unknown) => err instanceof HubError && err.code === 'not-cached');
    await copy(['onnx/model.onnx']);
    assert.deepEqual(await resolveHubModel(TINY, { ...opts(), offline: true }), { folder: legacy, revision: 'main' });
    assert.equal(hub.requests.length, 0);
  });

  it('fetches the external-data chunks the listing has', async () => {
    const { folder } = await resolveHubModel(EXT, { ...opts(), dtype: 'fp16' });
    assert.deepEqual(await relativeFiles(folder), [
      'config.json',
      'onnx/model_fp16.onnx',
      'onnx/model_fp16.onnx_data',
      'onnx/model_fp16.onnx_data_1',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    assert.deepEqual(await readFile(path.join(folder, 'onnx/model_fp16.onnx_data')), externalData[0]);
    assert.deepEqual(await readFile(path.join(folder, 'onnx/model_fp16.onnx_data_1')), externalData[1]);
    assert.deepEqual(
      hub.requests.filter((r) => r.path.includes('_data')).map((r) => `${r.method} ${path.basename(r.path)}`),
      ['GET model_fp16.onnx_data', 'GET model_fp16.onnx_data_1'],
    );
    hub.requests.length = 0;
    assert.equal((await resolveHubModel(EXT, { ...opts(), dtype: 'fp16' })).folder, folder);
    assert.equal((await resolveHubModel(EXT, { ...opts(), dtype: 'fp16', offline: true })).folder, folder);
    assert.equal(hub.requests.length, 0);
  });

  it('says when the repo has no weights for the dtype, and refuses unknown dtypes', async () => {
    await assert.rejects(
      resolveHubModel(TINY, { ...opts(), dtype: 'q4' }),
      /model "tiny\/llama3" has no file "onnx\/model_q4.onnx" on the Hub \(revision main\): it has no ONNX weights for dtype q4/,
    );
    await assert.rejects(resolveHubModel(TINY, { ...opts(), dtype: 'q3' }), /unknown dtype "q3"/);
  });
});
