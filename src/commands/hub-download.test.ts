import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { hubRevisionFolder } from '../model/hub/hub-paths.js';
import { datasetRoute, defaultCommit, folderRoutes, modelRoute, startFakeHub, type FakeHub } from '../testing/fake-hub-server.js';
import { SHARED, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm, startEndorm } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';

/*
 * `endorm score --model owner/name --dataset rm-bench` end to end against a Hub stand-in on 127.0.0.1 (HF_ENDPOINT):
 * no test here reaches the internet.
 */
const REPO = 'test-org/stories260K';
const ONNX = 'onnx/model.onnx';
let hub: FakeHub;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-hub-e2e-'));

before(async () => {
  const routes = await folderRoutes(STORIES, REPO);
  // RM-Bench's total_dataset.json, cut to two chat records.
  const chat = JSON.parse(fs.readFileSync(path.join(SHARED, 'datasets', 'rm-bench', 'chat_filtered.json'), 'utf8')) as object[];
  routes.set(datasetRoute('THU-KEG/RM-Bench', 'total_dataset.json'), Buffer.from(JSON.stringify(chat.slice(0, 2).map((r) => ({ ...r, domain: 'chat' })))));
  hub = await startFakeHub(routes, 120_000);
});
after(() => hub.close());

const args = (out: string, ...more: string[]) => [
  'score', '--model', REPO, '--dataset', 'rm-bench', '--template', 'none', '--methods', 'endorm,length', '--max-length', '128',
  '--out', path.join(tmp, out), ...more,
];
const envFor = (cache: string) => ({ HF_ENDPOINT: hub.endpoint, ENDORM_CACHE: cache, HF_TOKEN: '' });
const cachedOnnx = (cache: string) => path.join(hubRevisionFolder(cache, REPO, 'model', defaultCommit(REPO)), ...ONNX.split('/'));
const partFiles = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.includes('.part-'));

test('a Hub model and dataset download with progress, then run offline from the cache', async () => {
  const cache = tempCacheDir();
  const online = await runEndorm(args('online'), envFor(cache));
  assert.equal(online.code, 0, online.stderr);
  assert.match(online.stderr, new RegExp(`downloading ${REPO}/${ONNX} \\(1\\.23 MiB\\)`));
  assert.match(online.stderr, new RegExp(`downloaded ${REPO}/${ONNX} \\(1\\.23 MiB in`));
  assert.match(online.stderr, /downloaded THU-KEG\/RM-Bench\/total_dataset\.json/);
  assert.ok(fs.readFileSync(cachedOnnx(cache)).equals(fs.readFileSync(path.join(STORIES, ONNX))), 'the cached model is the served one');
  const summary = JSON.parse(fs.readFileSync(path.join(tmp, 'online', 'summary.json'), 'utf8'));
  assert.equal(summary.model.spec, REPO);
  assert.deepEqual([summary.model.revision, summary.model.commit], ['main', defaultCommit(REPO)], 'the commit main stood at');
  assert.equal(summary.model.files['onnx/model.onnx'].sha256, createHash('sha256').update(fs.readFileSync(path.join(STORIES, ONNX))).digest('hex'));
  assert.equal(summary.dataset.kind, 'rm-bench');
  assert.equal(summary.counts.pairs, 2);
  assert.deepEqual(summary.dataset.domains, { chat: 2, math: 0, code: 0, safety: 0 }, "the whole file's records per domain");

  const asked = hub.requests.length;
  const offline = await runEndorm(args('offline', '--offline'), envFor(cache));
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(hub.requests.length, asked, 'offline: no request reached the Hub');
  assert.doesNotMatch(offline.stderr, /downloading/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(tmp, 'offline', 'summary.json'), 'utf8')).methods, summary.methods);
});

test('offline without a cached copy is a model error that says so', async () => {
  const r = await runEndorm(args('uncached', '--offline', '--quiet'), envFor(tempCacheDir()));
  assert.equal(r.code, EXIT.model, r.stderr);
  assert.match(r.stderr, /is not cached .*--offline forbids/);
});

test('an interrupted transfer leaves nothing that looks complete, and the next run downloads it whole', async () => {
  const cache = tempCacheDir();
  hub.misbehave(modelRoute(REPO, ONNX), { kind: 'truncate' });
  const cut = await runEndorm(args('cut', '--quiet'), envFor(cache));
  assert.equal(cut.code, EXIT.model, cut.stderr);
  assert.match(cut.stderr, /download of .*onnx\/model\.onnx was interrupted after \d+ of 1289213 bytes/);
  assert.equal(fs.existsSync(cachedOnnx(cache)), false);
  assert.deepEqual(partFiles(cache), []);

  const again = await runEndorm(args('again', '--quiet'), envFor(cache));
  assert.equal(again.code, 0, again.stderr);
  assert.ok(fs.readFileSync(cachedOnnx(cache)).equals(fs.readFileSync(path.join(STORIES, ONNX))));
});

test('Ctrl-C during a download stops it cleanly (exit 130) and removes the partial file', async () => {
  const cache = tempCacheDir();
  hub.misbehave(modelRoute(REPO, ONNX), { kind: 'stall' });
  const run = startEndorm(args('stalled'), envFor(cache));
  for (let i = 0; !run.stderr().includes(`downloading ${REPO}/${ONNX}`); i++) {
    assert.ok(i < 2000, `no download started: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  run.child.kill('SIGINT');
  const end = await run.finished;
  assert.equal(end.code, EXIT.interrupted, end.stderr);
  assert.equal(fs.existsSync(cachedOnnx(cache)), false);
  assert.deepEqual(partFiles(cache), []);
});
