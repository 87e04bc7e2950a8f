import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { datasetRoute, listingRoute, startFakeHub, type FakeHub } from '../testing/fake-hub-server.js';
import { lengthPair, type LengthOutcome } from '../testing/length-outcomes.js';
import { parquetRows } from '../testing/parquet-fixtures.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { runEndorm } from '../testing/spawn-endorm.js';

/*
 * `endorm score --dataset reward-bench` end to end through bin/endorm, against a stand-in Hub (HF_ENDPOINT) serving
 * allenai/reward-bench's layout: the "filtered" split as two Parquet shards written here, one record or more in every
 * one of the 23 subsets, and one record of a subset RewardBench does not have (its name is HTML).
 *
 * The method checked is `length` (the longer response wins), so each record's outcome is set by its texts (lengthPair):
 * W (chosen longer), L (chosen shorter) or T (same length: a tie, which counts as wrong).
 */
const REPO = 'allenai/reward-bench';
const SHA = 'c0ffee0000c0ffee0000c0ffee0000c0ffee0000';
const EXTRA = '<i>extra</i>';

const OUTCOMES: [string, LengthOutcome[]][] = [
  ['alpacaeval-easy', ['W', 'L']],
  ['alpacaeval-length', ['W']],
  ['alpacaeval-hard', ['T']],
  ['mt-bench-easy', ['W', 'W']],
  ['mt-bench-med', ['W', 'T']],
  ['mt-bench-hard', ['W']],
  ['llmbar-natural', ['W', 'L']],
  ['llmbar-adver-neighbor', ['L']],
  ['llmbar-adver-GPTInst', ['T', 'W']],
  ['llmbar-adver-GPTOut', ['W']],
  ['llmbar-adver-manual', ['T']],
  ['refusals-dangerous', ['W', 'W']],
  ['refusals-offensive', ['W', 'L']],
  ['xstest-should-refuse', ['W', 'L', 'L', 'T']],
  ['xstest-should-respond', ['W', 'T']],
  ['donotanswer', ['L']],
  ['math-prm', ['W', 'L']],
  ['hep-cpp', ['W']],
  ['hep-go', ['L']],
  ['hep-java', ['W', 'T']],
  ['hep-js', ['W']],
  ['hep-python', ['W']],
  ['hep-rust', ['T']],
  [EXTRA, ['W']],
];

/*
 * The official scores of `length` on these records, by hand (weights: upstream's EXAMPLE_COUNTS):
 *   Chat      (alpacaeval-easy 100, -length 95, -hard 95, mt-bench-easy 28, -med 40; 358)
 *             = (100·1/2 + 95·1 + 95·0 + 28·1 + 40·1/2) / 358 = (50 + 95 + 0 + 28 + 20) / 358 = 193/358   = 53.9%
 *   Chat Hard (mt-bench-hard 37, llmbar-natural 100, -neighbor 134, -GPTInst 92, -GPTOut 47, -manual 46; 456)
 *             = (37·1 + 100·1/2 + 134·0 + 92·1/2 + 47·1 + 46·0) / 456 = 180/456 = 15/38                  = 39.5%
 *   Safety    (refusals-dangerous 100, -offensive 100, xstest-should-refuse 250, -should-respond 154, donotanswer 136; 740)
 *             = (100·1 + 100·1/2 + 250·1/4 + 154·1/2 + 136·0) / 740 = 289.5/740 = 579/1480               = 39.1%
 *   Reasoning (math-prm 984, each hep-* 164; 1968)
 *             = (984·1/2 + 164·(1 + 0 + 1/2 + 1 + 1 + 0)) / 1968 = (492 + 574) / 1968 = 13/24              = 54.2%
 *   Score     = (193/358 + 15/38 + 579/1480 + 13/24) / 4 = 0.466681…                                      = 46.7%
 * The extra subset counts in no section. Plain accuracy over all 37 records: 20 won, 8 ties, 9 lost: 20/37.
 */
const CHAT = 193 / 358;
const CHAT_HARD = 15 / 38;
const SAFETY = 579 / 1480;
const REASONING = 13 / 24;
const SCORE = (CHAT + CHAT_HARD + SAFETY + REASONING) / 4;

function row(id: number, subset: string, outcome: LengthOutcome) {
  const [chosen, rejected] = lengthPair(id, outcome);
  return { prompt: `Question ${id}?`, chosen, chosen_model: 'gpt-4', rejected, rejected_model: 'alpaca-7b', subset, id: BigInt(id) };
}

let id = 100;
const RECORDS = OUTCOMES.flatMap(([subset, outcomes]) => outcomes.map((o) => row(id++, subset, o)));
const SHARDS = [parquetRows(RECORDS.slice(0, 20)), parquetRows(RECORDS.slice(20))];
const SHARD_PATHS = ['data/filtered-00000-of-00002.parquet', 'data/filtered-00001-of-00002.parquet'];
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

let hub: FakeHub;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-reward-bench-e2e-'));
const cache = tempCacheDir();

before(async () => {
  hub = await startFakeHub(
    new Map([
      [datasetRoute(REPO, 'README.md'), Buffer.from('---\nconfigs: []\n---\n')],
      [datasetRoute(REPO, 'data/raw-00000-of-00001.parquet'), parquetRows([row(1, 'raw-only', 'W')])],
      [datasetRoute(REPO, SHARD_PATHS[0]!), SHARDS[0]!],
      [datasetRoute(REPO, SHARD_PATHS[1]!), SHARDS[1]!],
    ]),
    120_000,
  );
  hub.setCommit(REPO, 'main', SHA);
});
after(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const score = (out: string, ...more: string[]) =>
  runEndorm(
    ['score', '--model', STORIES, '--dataset', 'reward-bench', '--template', 'none', '--methods', 'length,endorm', '--max-length', '64', '--out', path.join(tmp, out), ...more],
    { HF_ENDPOINT: hub.endpoint, ENDORM_CACHE: cache, HF_TOKEN: '' },
  );
const read = (run: string, file: string) => fs.readFileSync(path.join(tmp, run, file), 'utf8');
const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

test('--dataset reward-bench downloads the filtered split, scores every subset as the official code does and reports it', async () => {
  assert.equal(RECORDS.length, 37);
  const online = await score('online');
  assert.equal(online.code, 0, online.stderr);
  assert.deepEqual(
    hub.requests.map((r) => r.path),
    [listingRoute(REPO), ...SHARD_PATHS.map((p) => `/datasets/${REPO}/resolve/${SHA}/${p}`)],
    'the listing, then each shard of the split at the listed commit; no other split',
  );
  for (const p of SHARD_PATHS) assert.match(online.stderr, new RegExp(`endorm: downloaded ${REPO}/${p} \\(`));

  const manifest = JSON.parse(read('online', 'run.json'));
  assert.equal(manifest.dataset.spec, 'reward-bench');
  assert.equal(manifest.dataset.kind, 'reward-bench');
  assert.equal(manifest.dataset.name, 'reward-bench-filtered');
  assert.deepEqual(manifest.dataset.hub, {
    spec: 'reward-bench',
    repo: REPO,
    revision: 'main',
    commit: SHA,
    split: 'filtered',
    files: SHARD_PATHS.map((p, i) => ({ path: p, sha256: sha(SHARDS[i]!) })),
  });
  assert.equal(manifest.dataset.sha256, sha(SHARD_PATHS.map((p, i) => `${p}\u0000${sha(SHARDS[i]!)}\n`).join('')));
  assert.equal(manifest.dataset.subsets['xstest-should-refuse'], 4, 'records per subset in the whole dataset');
  assert.equal(manifest.dataset.subsets[EXTRA], 1);

  const summary = JSON.parse(read('online', 'summary.json'));
  const length = summary.methods.length;
  assert.equal(length.pairs, 37);
  assert.equal(length.correct, 20);
  assert.equal(length.ties, 8);
  const rb = length.rewardBench;
  assert.deepEqual(
    rb.sections.map((s: { section: string; records: number }) => [s.section, s.records]),
    [
      ['Chat', 8],
      ['Chat Hard', 8],
      ['Safety', 11],
      ['Reasoning', 9],
    ],
  );
  const [chat, chatHard, safety, reasoning] = rb.sections.map((s: { score: number }) => s.score);
  close(chat, CHAT, 'Chat');
  close(chatHard, CHAT_HARD, 'Chat Hard');
  close(safety, SAFETY, 'Safety');
  close(reasoning, REASONING, 'Reasoning');
  close(rb.overall, SCORE, 'score');
  assert.deepEqual(rb.missingSubsets, []);
  assert.deepEqual(rb.unknownSubsets, [EXTRA]);
  const subset = (name: string) => rb.subsets.find((s: { subset: string }) => s.subset === name);
  assert.deepEqual(subset('xstest-should-refuse'), { subset: 'xstest-should-refuse', section: 'Safety', records: 4, correct: 1, accuracy: 0.25 });
  assert.deepEqual(subset(EXTRA), { subset: EXTRA, records: 1, correct: 1, accuracy: 1 });
  assert.ok(summary.methods.endorm.rewardBench.sections.every((s: { records: number }) => s.records > 0), 'every method gets its RewardBench summary');
  assert.ok(summary.notes.includes(`RewardBench: 1 record(s) of subset(s) "${EXTRA}", which RewardBench does not have: their accuracy is listed, no section counts them.`), summary.notes.join('\n'));

  const md = read('online', 'report.md');
  assert.match(md, /^## RewardBench$/m);
  assert.ok(md.includes('| `length` | 53.9 (34.4–73.5) | 39.5 (18.4–60.5) | 39.1 (20.3–62.8) | 54.2 (25.0–83.3) | **46.7** (33.9–59.5) |'), md);
  assert.ok(md.includes('| Safety | xstest-should-refuse | 250 | 4 | 25.0 |'), md);
  const html = read('online', 'report.html');
  assert.ok(html.includes('<code>&#60;i&#62;extra&#60;/i&#62;</code>'), 'the subset name is escaped');
  assert.ok(!html.includes(EXTRA), 'the raw subset name appears nowhere in report.html');
  assert.match(html, /<section class="card" id="rewardbench">/);
  const csv = read('online', 'report.csv');
  assert.match(csv, new RegExp(`\nlength,domain,Chat,${CHAT},0\\.34\\d*,0\\.73\\d*,8,8,,,,,,${CHAT},,,,,\n`), csv);
  assert.ok(csv.includes(`\nlength,domain,xstest-should-refuse,0.25,,,4,4,1,,,,,0.25,,,,,\n`), csv);
  assert.match(csv, new RegExp(`^length,overall,pooled,${20 / 37},[\\d.]+,[\\d.]+,37,37,20,8,,,,${SCORE},endorm,`, 'm'));
});

test('--offline reads the split from the cache, and runs compare with the RewardBench rows and no empty difficulty rows', async () => {
  hub.requests.length = 0;
  const offline = await score('offline', '--offline');
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(hub.requests.length, 0, 'no request reached the Hub');
  assert.doesNotMatch(offline.stderr, /download/);
  const methods = (run: string) => JSON.parse(read(run, 'summary.json')).methods;
  assert.deepEqual(methods('offline'), methods('online'));

  const compared = await runEndorm(['report', path.join(tmp, 'online'), path.join(tmp, 'offline'), '--out', path.join(tmp, 'compare')], {});
  assert.equal(compared.code, 0, compared.stderr);
  const md = read('compare', 'comparison.md');
  assert.ok(md.includes('| RewardBench score | 46.7 (33.9–59.5) | 46.7 (33.9–59.5) |'), md);
  assert.ok(md.includes('| RewardBench Chat Hard | 39.5 (18.4–60.5) | 39.5 (18.4–60.5) |'), md);
  assert.ok(md.includes('| RewardBench hep-java | 50.0 | 50.0 |'), md);
  assert.doesNotMatch(md, /RewardBench (easy|normal|hard)/, 'RewardBench has no difficulty split');
  assert.match(read('compare', 'comparison.html'), /<h2>RewardBench score<\/h2>/);
});

test('a run that leaves subsets out says which, and why, and gives no score without every section', async () => {
  const limited = await score('limited', '--limit', '10', '--quiet');
  assert.equal(limited.code, 0, limited.stderr);
  const summary = JSON.parse(read('limited', 'summary.json'));
  const rb = summary.methods.length.rewardBench;
  // The first 10 records: alpacaeval-easy W L, -length W, -hard T, mt-bench-easy W W, -med W T, mt-bench-hard W,
  // llmbar-natural W. Chat as in the full run; Chat Hard = (37·1 + 100·1) / (37 + 100) = 1; no Safety, no Reasoning.
  close(rb.sections[0].score, CHAT, 'Chat');
  close(rb.sections[1].score, 1, 'Chat Hard');
  assert.equal(rb.sections[2].score, null);
  assert.equal(rb.overall, null);
  assert.equal(rb.missingSubsets.length, 23 - 7);
  const note = summary.notes.find((n: string) => n.startsWith('RewardBench: 16 of the 23 subsets have no records'));
  assert.ok(note, summary.notes.join('\n'));
  assert.ok(note.includes('(not scored in this run (--limit 10): llmbar-adver-neighbor, llmbar-adver-GPTInst,'), note);
  assert.ok(note.endsWith('Safety, Reasoning have no records, so there is no overall score.'), note);
  assert.ok(read('limited', 'report.csv').includes('\nlength,domain,donotanswer,,,,0,,,,,,,,,,,,not scored in this run (1 records in the dataset; --limit 10)\n'));
});
