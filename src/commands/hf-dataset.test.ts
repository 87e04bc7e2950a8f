import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { datasetRoute, listingRoute, startFakeHub, type FakeHub } from '../testing/fake-hub-server.js';
import { jsonl } from '../testing/dataset-fixtures.js';
import { lengthPair, type LengthOutcome } from '../testing/length-outcomes.js';
import { parquetRows } from '../testing/parquet-fixtures.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';
import { EXIT } from '../util/exit-codes.js';

/*
 * `endorm score --dataset hf:OWNER/NAME[@REV][:SPLIT]` end to end through bin/endorm against a stand-in Hub
 * (HF_ENDPOINT). The method checked is `length`, each record's outcome W, L or T set by its texts (lengthPair).
 */
const REPO = 'org/prefs';
const SHA = 'feedface00feedface00feedface00feedface00';
const TOKEN = 'hf_test_token';
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

// "train" as one JSON Lines file: W W L T W, so 3 of 5 right with 1 tie.
const TRAIN = jsonl((['W', 'W', 'L', 'T', 'W'] as const).map((o, i) => ({ id: `t${i}`, prompt: `Question ${i}?`, chosen: lengthPair(i, o)[0], rejected: lengthPair(i, o)[1] })));
// "test" as two Parquet shards with their own column names: animals W L W (2/3), family W T (1/2); 3 of 5 in all.
const testRow = (id: number, o: LengthOutcome, topic: string) => ({ question: `Question ${id}?`, good: lengthPair(id, o)[0], bad: lengthPair(id, o)[1], topic });
const TEST_SHARDS = [
  parquetRows([testRow(1, 'W', 'animals'), testRow(2, 'L', 'animals'), testRow(3, 'W', 'family')]),
  parquetRows([testRow(4, 'W', 'animals'), testRow(5, 'T', 'family')]),
];
const TEST_PATHS = ['data/test-00000-of-00002.parquet', 'data/test-00001-of-00002.parquet'];
const FIELDS = ['--prompt-field', 'question', '--chosen-field', 'good', '--rejected-field', 'bad', '--group-field', 'topic'];

let hub: FakeHub;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-hf-e2e-'));
const cache = tempCacheDir();

before(async () => {
  hub = await startFakeHub(
    new Map([
      [datasetRoute(REPO, 'README.md'), Buffer.from('# prefs')],
      [datasetRoute(REPO, 'data/train.jsonl'), Buffer.from(TRAIN)],
      [datasetRoute(REPO, TEST_PATHS[0]!), TEST_SHARDS[0]!],
      [datasetRoute(REPO, TEST_PATHS[1]!), TEST_SHARDS[1]!],
    ]),
    120_000,
  );
  hub.setCommit(REPO, 'main', SHA);
});
after(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const env = (token = '') => ({ HF_ENDPOINT: hub.endpoint, ENDORM_CACHE: cache, HF_TOKEN: token });
const score = (dataset: string, out: string, more: string[] = [], token = '') =>
  runEndorm(['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--methods', 'length', '--max-length', '64', '--out', path.join(tmp, out), ...more], env(token));
const readJson = (run: string, file: string) => JSON.parse(fs.readFileSync(path.join(tmp, run, file), 'utf8'));

test('hf:OWNER/NAME reads the train split of JSON Lines, with HF_TOKEN, and records where it came from', async () => {
  hub.requireToken(TOKEN);
  try {
    const run = await score(`hf:${REPO}`, 'jsonl', [], TOKEN);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      hub.requests.map((r) => [r.path, r.authorization]),
      [
        [listingRoute(REPO), `Bearer ${TOKEN}`],
        [`/datasets/${REPO}/resolve/${SHA}/data/train.jsonl`, `Bearer ${TOKEN}`],
      ],
    );
    assert.match(run.stderr, /^endorm: downloaded org\/prefs\/data\/train\.jsonl \(\d+ B in [\d.]+ s\)$/m);
  } finally {
    hub.requireToken(undefined);
  }
  const manifest = readJson('jsonl', 'run.json');
  assert.equal(manifest.dataset.spec, `hf:${REPO}`);
  assert.equal(manifest.dataset.kind, 'pairs');
  assert.equal(manifest.dataset.name, 'prefs-train');
  assert.deepEqual(manifest.dataset.hub, { spec: `hf:${REPO}`, repo: REPO, revision: 'main', commit: SHA, split: 'train', files: [{ path: 'data/train.jsonl', sha256: sha(TRAIN) }] });
  assert.equal(manifest.dataset.sha256, sha(`data/train.jsonl\u0000${sha(TRAIN)}\n`));
  const length = readJson('jsonl', 'summary.json').methods.length;
  assert.deepEqual([length.pairs, length.correct, length.ties, length.accuracy], [5, 3, 1, 3 / 5]);
});

test('hf:OWNER/NAME:SPLIT reads Parquet shards in order with the field options, then --offline from the cache alone', async () => {
  hub.requests.length = 0;
  const online = await score(`hf:${REPO}:test`, 'parquet', FIELDS);
  assert.equal(online.code, 0, online.stderr);
  assert.deepEqual(
    hub.requests.map((r) => r.path),
    [listingRoute(REPO), ...TEST_PATHS.map((p) => `/datasets/${REPO}/resolve/${SHA}/${p}`)],
  );
  const manifest = readJson('parquet', 'run.json');
  assert.deepEqual(manifest.dataset.hub.files, TEST_PATHS.map((p, i) => ({ path: p, sha256: sha(TEST_SHARDS[i]!) })));
  assert.equal(manifest.dataset.sha256, sha(TEST_PATHS.map((p, i) => `${p}\u0000${sha(TEST_SHARDS[i]!)}\n`).join('')));
  const summary = readJson('parquet', 'summary.json');
  const length = summary.methods.length;
  assert.deepEqual([length.pairs, length.correct, length.ties], [5, 3, 1]);
  assert.deepEqual(
    Object.entries(length.groups).map(([group, g]) => [group, (g as { accuracy: number }).accuracy]),
    [
      ['animals', 2 / 3],
      ['family', 1 / 2],
    ],
  );

  hub.requests.length = 0;
  const offline = await score(`hf:${REPO}:test`, 'parquet-offline', [...FIELDS, '--offline']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(hub.requests.length, 0, 'no request reached the Hub');
  assert.doesNotMatch(offline.stderr, /download/);
  assert.deepEqual(readJson('parquet-offline', 'summary.json').methods, summary.methods);
  assert.deepEqual(readJson('parquet-offline', 'run.json').dataset.hub, manifest.dataset.hub);

  // endorm show reads a record's prompt back from the split's cached shards at the run's commit, not from the cache
  // folder as if it were a local dataset.
  const traced = await runEndorm(
    ['score', '--model', STORIES, '--dataset', `hf:${REPO}:test`, ...FIELDS, '--offline', '--template', 'none', '--methods', 'endorm', '--max-length', '64', '--quiet', '--out', path.join(tmp, 'traced')],
    env(),
  );
  assert.equal(traced.code, 0, traced.stderr);
  // Records without an id field are keyed by their place in the split: 5 is the second shard's last.
  const shown = await runEndorm(['show', path.join(tmp, 'traced'), '--pair', '5', '--json'], env());
  assert.equal(shown.code, 0, shown.stderr);
  const record = JSON.parse(shown.stdout);
  assert.equal(record.prompt, 'Question 5?', shown.stdout);
  assert.deepEqual(record.notes.filter((n: string) => n.includes('prompt')), []);

  const uncached = await runEndorm(['score', '--model', STORIES, '--dataset', `hf:${REPO}:test`, '--offline', '--quiet', '--out', path.join(tmp, 'uncached')], {
    ...env(),
    ENDORM_CACHE: tempCacheDir(),
  });
  assert.equal(uncached.code, EXIT.model, uncached.stderr);
  assert.match(uncached.stderr, /the file list of dataset "org\/prefs" \(revision main\) is not cached .*--offline/);
});

test('--resume re-opens the commit the run was read at, from the cache, even after the branch has new data', async () => {
  const out = 'resumed';
  const first = await score(`hf:${REPO}:test`, out, FIELDS);
  assert.equal(first.code, 0, first.stderr);
  const whole = readJson(out, 'summary.json');
  // As if the run had stopped after two records (one response line each for chosen and rejected).
  const scores = path.join(tmp, out, 'scores.jsonl');
  fs.writeFileSync(scores, fs.readFileSync(scores, 'utf8').split('\n').slice(0, 4).join('\n') + '\n');
  hub.setFile(datasetRoute(REPO, TEST_PATHS[1]!), parquetRows([testRow(9, 'L', 'family')]));

  hub.requests.length = 0;
  const resumed = await runEndorm(['score', '--resume', path.join(tmp, out)], env());
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /endorm: resumed .*\/resumed: 2 records were done before, 3 scored now/);
  assert.equal(hub.requests.length, 0, 'the listing and the files of that commit come from the cache');
  const again = readJson(out, 'summary.json');
  assert.deepEqual(again.methods, whole.methods);
  assert.deepEqual(again.dataset.hub, whole.dataset.hub);
});

test('a malformed hf: spec is a usage error (exit 2) that says what is wrong; a missing split names those there are', async () => {
  for (const [spec, what] of [
    ['hf:', 'the repository is missing'],
    ['hf:org/prefs:my-split', '"my-split" is not a split name'],
    ['hf:org/prefs@:test', '"" is not a revision'],
  ]) {
    const run = await score(spec!, 'bad', ['--quiet']);
    assert.equal(run.code, EXIT.usage, `${spec}: ${run.stderr}`);
    assert.ok(run.stderr.startsWith(`endorm: error: --dataset "${spec}" is not a Hub dataset: ${what}`), run.stderr);
    assert.ok(run.stderr.includes('(expected hf:OWNER/NAME[@REVISION][:SPLIT], e.g. hf:my-org/my-pairs@v1.0:test)'), run.stderr);
  }
  const missing = await score(`hf:${REPO}:validation`, 'bad', ['--quiet']);
  assert.equal(missing.code, EXIT.model, missing.stderr);
  assert.match(missing.stderr, /has no Parquet, JSONL or JSON files for split "validation"; its splits: test, train/);
});
