import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareRuns } from '../api/report-runs.js';
import type { TokenView } from '../inspect/inspect-response.js';
import { renderTokenViewHtml } from '../inspect/token-view-html.js';
import { gridMethodSpecs } from '../rewards/method-grid.js';
import { CHROMIUM, overflowingBoxes, screenshot, textProblems } from '../testing/chromium.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { SHARED, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { countColour, decodePng } from '../testing/png.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { accuracyGrid } from './grid-table.js';
import { summarizeRun } from './summarize-run.js';
import { gridHeatmapSvg } from './svg-grid-heatmap.js';

const skip = CHROMIUM ? false : 'no Chromium on this machine';

test('the grid heat map renders in headless Chromium: its darkest cells, their CIs and the cell --select-on picked are on screen', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-render-'));
  const grid = { alphas: [0.5, 1, 2], gammas: [0.9, 0.99, 1] };
  await writeSyntheticRun(dir, {
    records: 30,
    groups: ['chat', 'code'],
    methods: gridMethodSpecs(grid).map((spec, k) => ({ spec, kind: 'response', skill: 0.1 + 0.2 * k, styleBias: 0.2 })),
    settings: { grid, selectOn: { fraction: 0.5, seed: 0 } },
  });
  const file = join(dir, 'grid-heatmap.svg');
  await writeFile(file, gridHeatmapSvg(accuracyGrid(await summarizeRun(dir))!));
  const image = decodePng(screenshot(file, 900, 520));
  assert.equal(image.width, 900);
  // Three panels (average, chat, code); the highest cell of each is the darkest blue; the picked cell of the first
  // panel is outlined in orange.
  assert.ok(countColour(image, [24, 72, 140]) > 3 * 600, 'darkest cells');
  assert.ok(countColour(image, [242, 142, 43], 20) > 300, 'the picked cell outlined');
});

test('the per-token view renders in headless Chromium: tokens shaded blue (log π above the page mean) and red (below)', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-render-'));
  // Shares α·log π of 3 and −3 (α = 1) around their mean 0: full blue and full red.
  const tokens = (logprobs: number[]): TokenView[] => logprobs.map((logprob, h) => ({ id: h, text: ` word${h}`, logit: 1, logprob, value: 2, reward: -1 }));
  const file = join(dir, 'tokens.html');
  await writeFile(
    file,
    renderTokenViewHtml({
      title: 'render test',
      details: [['Record', 'r1']],
      alpha: 1,
      responses: [
        { role: 'chosen', index: 0, tokens: tokens([3, 3, 3, 3, 3, 3, 3, 3]) },
        { role: 'rejected', index: 0, tokens: tokens([-3, -3, -3, -3, -3, -3, -3, -3]) },
      ],
    }),
  );
  const image = decodePng(screenshot(file, 1100, 700));
  assert.ok(countColour(image, [37, 99, 168]) > 8 * 200, 'blue tokens');
  assert.ok(countColour(image, [202, 62, 54]) > 8 * 200, 'red tokens');
});

test('report.html of a run with judges and of a 10-method sweep (RM-Bench and RewardBench), and comparison.html of two runs, fit the page: no table or chart wider than its card', { skip, timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-fit-'));
  process.env['ENDORM_CACHE'] = tempCacheDir();
  const score = async (name: string, maxLength: string, methods = ['--methods', 'endorm,loglik,judge-pairwise,judge-pointwise,verifier']) => {
    const out = join(dir, name);
    const { code, stderr } = await runCliInProcess([
      'score', '--model', STORIES, '--dataset', join(SHARED, 'datasets', 'rm-bench', 'chat_filtered.json'), '--limit', '2', '--quiet',
      ...methods, '--max-length', maxLength, '--out', out,
    ]);
    assert.equal(code, 0, stderr);
    return out;
  };
  const a = await score('a', '512');
  const b = await score('b', '400');
  // A sweep of 9 cells and a baseline: the most methods whose charts and per-group table are not folded away.
  const sweep = await score('sweep', '256', ['--methods', 'loglik', '--alpha', '0.5,1,2', '--gamma', '0.9,0.95,1']);
  // The same sweep on a RewardBench file: its subset table has a column per method.
  const rewardBench = join(dir, 'reward-bench.jsonl');
  const subsets = ['alpacaeval-easy', 'mt-bench-hard', 'llmbar-adver-GPTInst', 'xstest-should-respond', 'refusals-dangerous', 'math-prm', 'hep-python'];
  await writeFile(rewardBench, subsets.map((subset, id) => JSON.stringify({ id, subset, prompt: 'Once upon a time', chosen: ' there was a cat.', rejected: ' cat a was there.' })).join('\n') + '\n');
  const rewardBenchSweep = join(dir, 'reward-bench-sweep');
  const rb = await runCliInProcess(['score', '--model', STORIES, '--dataset', rewardBench, '--template', 'none', '--quiet', '--methods', 'loglik', '--alpha', '0.5,1,2', '--gamma', '0.9,0.95,1', '--out', rewardBenchSweep]);
  assert.equal(rb.code, 0, rb.stderr);
  await compareRuns([a, b], join(dir, 'compare'));
  for (const page of [join(a, 'report.html'), join(sweep, 'report.html'), join(rewardBenchSweep, 'report.html'), join(dir, 'compare', 'comparison.html')]) {
    for (const width of [1200, 1024]) assert.deepEqual(overflowingBoxes(page, width), [], `${page} at ${width} px`);
  }
  // The measure does find a box wider than its card.
  const wide = join(dir, 'wide.html');
  await writeFile(wide, '<html><body><div class="table-wrap" style="width:300px;overflow-x:auto"><h3>x</h3><table><tr><td style="white-space:nowrap">' + 'wide '.repeat(200) + '</td></tr></table></div></body></html>');
  assert.equal(overflowingBoxes(wide, 1200).length, 1);
});

test('no two texts overlap and none leaves its chart or panel at 1200 px: report.html, comparison.html and both grid SVGs of a 3 × 2 RM-Bench grid with --select-on and of a 10-method RewardBench sweep', { skip, timeout: 600_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endorm-texts-'));
  process.env['ENDORM_CACHE'] = tempCacheDir();
  const score = async (out: string, args: string[]) => {
    const { code, stderr } = await runCliInProcess(['score', '--model', STORIES, '--quiet', '--out', out, ...args]);
    assert.equal(code, 0, stderr);
    return out;
  };
  const grid = await score(join(dir, 'grid'), [
    '--dataset', join(SHARED, 'datasets', 'rm-bench'), '--limit', '12', '--max-length', '96', '--methods', 'loglik',
    '--alpha', '0.5,1,2', '--gamma', '0.9,1', '--select-on', 'dev:0.5',
  ]);
  const rewardBench = join(dir, 'reward-bench.jsonl');
  const subsets = ['alpacaeval-easy', 'mt-bench-hard', 'llmbar-adver-GPTInst', 'xstest-should-respond', 'refusals-dangerous', 'math-prm', 'hep-python'];
  await writeFile(rewardBench, subsets.flatMap((subset, i) => [0, 1].map((k) => JSON.stringify({ id: 2 * i + k, subset, prompt: 'Once upon a time', chosen: ' there was a cat.', rejected: k ? ' cat a was there.' : ' there was a dog.' }))).join('\n') + '\n');
  const sweep = await score(join(dir, 'rb'), ['--dataset', rewardBench, '--template', 'none', '--methods', 'loglik', '--alpha', '0.5,1,2', '--gamma', '0.9,0.95,1']);
  await compareRuns([grid, grid], join(dir, 'compare-grid'), { labels: ['grid', 'again'] });
  await compareRuns([sweep, sweep], join(dir, 'compare-rb'), { labels: ['sweep', 'again'] });
  const pages = [
    ...[grid, sweep].flatMap((run) => ['report.html', 'grid-heatmap.svg', 'grid-lines.svg'].map((f) => join(run, f))),
    join(dir, 'compare-grid', 'comparison.html'),
    join(dir, 'compare-rb', 'comparison.html'),
  ];
  for (const page of pages) assert.deepEqual(textProblems(page, 1200), [], `${page} at 1200 px`);

  // The measure does find overlapping texts, a text out of its panel and a text cut off at the chart's edge.
  const bad = join(dir, 'bad.svg');
  await writeFile(
    bad,
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100" width="300" height="100"><text x="10" y="20">first label</text><text x="30" y="22">second</text>' +
      '<g data-panel="0"><rect class="panel-box" width="100" height="100" fill="none"/><text x="60" y="60">wider than its panel</text></g><text x="280" y="90">cut off</text></svg>',
  );
  assert.deepEqual(textProblems(bad, 1200).map((p) => [p.problem, ...p.texts]), [
    ['overlap', 'first label', 'second'],
    ['outside panel', 'wider than its panel'],
    ['outside chart', 'cut off'],
  ]);
});
