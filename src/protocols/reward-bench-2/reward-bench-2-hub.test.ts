import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { datasetRoute, listingRoute, startFakeHub, type FakeHub } from '../../testing/fake-hub-server.js';
import { EXPECTED_FINITE, FIXTURE_FINITE } from '../../testing/reward-bench-2-fixture.js';
import { STORIES, tempCacheDir } from '../../testing/shared-models.js';
import { summarySchemaProblems } from '../../testing/summary-schema.js';
import { runEndorm } from '../../testing/spawn-endorm.js';

/*
 * `endorm score --dataset reward-bench-2` end to end through bin/endorm, against a stand-in Hub serving
 * allenai/reward-bench-2's layout (the "test" split as one Parquet shard with its list columns), holding the hand-made
 * fixture (testing/reward-bench-2-fixture.ts) without its NaN record. The method is `length` (a response's code
 * points), each completion written 20·s + 100 characters long for its fixture score s: a positive affine map of the
 * scores, which changes none of upstream's numbers (orders, ties and the ratios of margins stay), so the run must give
 * exactly the numbers upstream's functions give on the fixture.
 */
const REPO = 'allenai/reward-bench-2';
const SHA = 'beef00000000beef00000000beef00000000beef';
const SHARD = 'data/test-00000-of-00001.parquet';

const text = (id: string, i: number, score: number) => {
  const head = `Answer ${id}/${i} `;
  return head + 'a'.repeat(20 * score + 100 - head.length);
};
const rows = FIXTURE_FINITE.map((x) => ({
  id: x.id,
  prompt: `Question ${x.id}?`,
  chosen: x.scores.slice(0, x.numCorrect).map((s, i) => text(x.id, i, s)),
  rejected: x.scores.slice(x.numCorrect).map((s, i) => text(x.id, x.numCorrect + i, s)),
  num_correct: BigInt(x.numCorrect),
  num_incorrect: BigInt(x.scores.length - x.numCorrect),
  total_completions: BigInt(x.scores.length),
  models: x.scores.map((_, i) => `model-${i}`),
  subset: x.subset,
}));
const columns = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
const PARQUET = Buffer.from(
  parquetWriteBuffer({
    columnData: columns.map((name) => {
      const data = rows.map((r) => r[name]);
      return typeof data[0] === 'string' ? { name, data, type: 'STRING' as const } : typeof data[0] === 'bigint' ? { name, data, type: 'INT64' as const } : { name, data };
    }),
    rowGroupSize: 7,
  }),
);
const sha = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

let hub: FakeHub;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-reward-bench-2-'));
const cache = tempCacheDir();

before(async () => {
  hub = await startFakeHub(new Map([[datasetRoute(REPO, 'README.md'), Buffer.from('---\nconfigs: []\n---\n')], [datasetRoute(REPO, SHARD), PARQUET]]), 120_000);
  hub.setCommit(REPO, 'main', SHA);
});
after(async () => {
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const score = (out: string, ...more: string[]) =>
  runEndorm(['score', '--model', STORIES, '--dataset', 'reward-bench-2', '--template', 'none', '--methods', 'length', '--out', path.join(tmp, out), ...more], {
    HF_ENDPOINT: hub.endpoint,
    ENDORM_CACHE: cache,
    HF_TOKEN: '',
  });
const read = (run: string, file: string) => fs.readFileSync(path.join(tmp, run, file), 'utf8');
const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} vs ${expected}`);
const pct = (x: number) => (100 * x).toFixed(1);

test("--dataset reward-bench-2 reads the test split from the Hub, records its commit, and scores it as upstream's functions do", async () => {
  const run = await score('online');
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    hub.requests.map((r) => r.path),
    [listingRoute(REPO), `/datasets/${REPO}/resolve/${SHA}/${SHARD}`],
  );
  const manifest = JSON.parse(read('online', 'run.json'));
  assert.equal(manifest.dataset.kind, 'reward-bench-2');
  assert.deepEqual(manifest.dataset.hub, { spec: 'reward-bench-2', repo: REPO, revision: 'main', commit: SHA, split: 'test', files: [{ path: SHARD, sha256: sha(PARQUET) }] });
  assert.deepEqual(manifest.dataset.subsets, { Factuality: 3, 'Precise IF': 3, Math: 2, Safety: 3, Focus: 2, Ties: 10 });

  const summary = JSON.parse(read('online', 'summary.json'));
  assert.equal(summarySchemaProblems(summary), '', 'summary.json validates against the shipped schema');
  const m = summary.methods.length;
  assert.equal(m.pairs, FIXTURE_FINITE.length);
  assert.equal(m.incomplete, 0);
  const rb = m.rewardBench2;
  assert.deepEqual(
    rb.subsets.map((s: { subset: string }) => s.subset),
    ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus', 'Ties'],
  );
  for (const s of rb.subsets) close(s.score, EXPECTED_FINITE.subsets[s.subset]!, s.subset);
  close(rb.overall, EXPECTED_FINITE.overall, 'overall');
  assert.equal(m.headline.title, 'RewardBench 2 score');
  close(m.headline.value, EXPECTED_FINITE.overall, 'headline');
  assert.deepEqual(m.headline.ci95, rb.ci95);
  assert.ok(rb.ci95[0] < rb.overall && rb.overall < rb.ci95[1]);
  assert.deepEqual(Object.keys(m.headline.parts), ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus', 'Ties']);

  // The console leads with the score, its interval and the six subsets.
  const parts = ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus', 'Ties'].map((s) => `${s} ${pct(EXPECTED_FINITE.subsets[s]!)}`).join(', ');
  assert.ok((run.stdout + run.stderr).includes(`RewardBench 2 score ${pct(EXPECTED_FINITE.overall)}% [`), run.stdout + run.stderr);
  assert.ok((run.stdout + run.stderr).includes(`(${parts})`), run.stdout + run.stderr);

  const md = read('online', 'report.md');
  assert.match(md, /^## RewardBench 2$/m);
  assert.ok(md.includes(`| \`length\` | ${pct(EXPECTED_FINITE.subsets['Factuality']!)} (`), md);
  assert.ok(md.includes(`**${pct(EXPECTED_FINITE.overall)}**`), md);
  assert.match(md, /^### Ties$/m);
  assert.ok(md.includes('| `length` | 60.0 | 60.0 | 50.0 | 50.0 |'), md);
  assert.match(read('online', 'report.html'), /<section class="card" id="rewardbench-2">/);
  const csv = read('online', 'report.csv');
  assert.ok(csv.includes(`\nlength,domain,Ties,${EXPECTED_FINITE.subsets['Ties']},`), csv);
  // The headline (RewardBench 2's score, with its CI) is each method's first row; pooled accuracy follows, so labelled.
  assert.match(csv.split('\n')[1]!, new RegExp(`^length,headline,RewardBench 2 score,${EXPECTED_FINITE.overall},[\\d.]+,[\\d.]+,23,`));
  assert.match(csv, new RegExp(`^length,overall,pooled,[\\d.]+,[\\d.]+,[\\d.]+,23,\\d+,\\d+,\\d+,,,,${EXPECTED_FINITE.overall},`, 'm'));
});

test('--offline reads the split from the cache; two runs compare on the score and the six subsets', async () => {
  hub.requests.length = 0;
  const offline = await score('offline', '--offline', '--quiet');
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(hub.requests.length, 0);
  const compared = await runEndorm(['report', path.join(tmp, 'online'), path.join(tmp, 'offline'), '--out', path.join(tmp, 'compare')], {});
  assert.equal(compared.code, 0, compared.stderr);
  const md = read('compare', 'comparison.md');
  const s = pct(EXPECTED_FINITE.overall);
  assert.match(md, new RegExp(`\\| RewardBench 2 score \\| ${s} \\([\\d.–]+\\) \\| ${s} \\([\\d.–]+\\) \\|`), md);
  assert.match(md, new RegExp(`\\| RewardBench 2 Ties \\| ${pct(EXPECTED_FINITE.subsets['Ties']!)} \\(`), md);
});
