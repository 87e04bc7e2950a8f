import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { modelRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { STORIES } from '../../testing/shared-models.js';
import { runEndorm } from '../../testing/spawn-endorm.js';
import { EXIT } from '../../util/exit-codes.js';
import { downloadHubFile } from './download-file.js';
import { HubError } from './hub-errors.js';

/** A server that accepts connections and never sends a byte: a Hub (or proxy) that hangs. */
let silent: net.Server;
let silentEndpoint: string;
const sockets = new Set<net.Socket>();
let hub: FakeHub;

before(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentEndpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  hub = await startFakeHub(new Map([[modelRoute('owner/tiny', 'onnx/model.onnx'), randomBytes(256 * 1024)]]));
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await hub.close();
});

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-hub-timeout-'));

test('a Hub that accepts and never answers is given up after the timeout, with a network HubError saying what to do', async () => {
  const started = Date.now();
  await assert.rejects(
    downloadHubFile({ repo: 'owner/tiny', repoType: 'model', path: 'config.json', endpoint: silentEndpoint, cacheRoot: temp(), token: '', timeoutMs: 300 }),
    (err: unknown) => {
      assert.ok(err instanceof HubError, String(err));
      assert.equal(err.code, 'network');
      assert.match(err.message, /^the Hub at http:\/\/127\.0\.0\.1:\d+\/owner\/tiny\/resolve\/main\/config\.json sent nothing for 0\.3 s; .*--hub-timeout SECONDS \(or ENDORM_HUB_TIMEOUT\)/);
      return true;
    },
  );
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 5000, `gave up after ${took} ms`);
});

test('a body that stalls half way is given up too, and no part file is left', async () => {
  hub.misbehave(modelRoute('owner/tiny', 'onnx/model.onnx'), { kind: 'stall' });
  const cacheRoot = temp();
  await assert.rejects(
    downloadHubFile({ repo: 'owner/tiny', repoType: 'model', path: 'onnx/model.onnx', endpoint: hub.endpoint, cacheRoot, token: '', timeoutMs: 300 }),
    (err: unknown) => err instanceof HubError && err.code === 'interrupted' && /interrupted after \d+ of 262144 bytes \(the Hub at .* sent nothing for 0\.3 s/.test(err.message),
  );
  const left = fs.readdirSync(cacheRoot, { recursive: true }).map(String).filter((f) => f.includes('.part-'));
  assert.deepEqual(left, []);
});

test('endorm score --hub-timeout against a silent Hub: exit 4 with the message, no stack, in about the timeout', async () => {
  const started = Date.now();
  const out = path.join(temp(), 'run');
  const end = await runEndorm(
    ['score', '--model', 'owner/tiny', '--dataset', 'datasets/stories-sample.jsonl', '--template', 'none', '--hub-timeout', '0.5', '--out', out],
    { HF_ENDPOINT: silentEndpoint, ENDORM_CACHE: temp(), HF_TOKEN: '' },
  );
  assert.equal(end.code, EXIT.model, end.stderr);
  assert.match(end.stderr, /^endorm: error: the Hub at .* sent nothing for 0\.5 s; check the network connection/m);
  assert.doesNotMatch(end.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.ok(Date.now() - started < 20_000);
  // The run folder it would have written holds nothing (the lock's folder is removed with it).
  assert.equal(fs.existsSync(out), false);
});

test('--hub-timeout holds for a Hub dataset too: an hf: split and a Hub alias from a silent Hub are exit 4 in about the timeout', async () => {
  for (const dataset of ['hf:owner/data:test', 'rm-bench']) {
    const started = Date.now();
    const end = await runEndorm(
      ['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--hub-timeout', '0.5', '--out', path.join(temp(), 'run')],
      { HF_ENDPOINT: silentEndpoint, ENDORM_CACHE: temp(), HF_TOKEN: '' },
    );
    assert.equal(end.code, EXIT.model, `${dataset}: ${end.stderr}`);
    assert.match(end.stderr, /^endorm: error: the Hub at .* sent nothing for 0\.5 s; check the network connection/m, dataset);
    assert.ok(Date.now() - started < 20_000, `${dataset}: ${Date.now() - started} ms`);
  }
});
