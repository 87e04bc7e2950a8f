import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { rescoreRun } from '../api/rescore-run.js';
import { scoreRun } from '../api/score-run.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { closestKeys, RecordNotFoundError, showPair, shownPairPage } from './show-pair.js';
import { renderTokenViewHtml } from './token-view-html.js';

let run: string;
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');

before(async () => {
  run = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'endorm-show-')), 'run');
  await scoreRun({
    model: STORIES,
    dtype: 'fp32',
    dataset: SAMPLE,
    methods: ['endorm:shaping=on', 'endorm:alpha=0.5,shaping=on', 'loglik'],
    template: 'none',
    scoreEot: true,
    batchSize: 8,
    maxBatchTokens: 4096,
    limit: 3,
    threads: 1,
    cacheDir: tempCacheDir(),
    out: run,
  });
});

test('show reads a record token by token from the traces: its text, and rewards that sum to the scored outcome', async () => {
  const first = JSON.parse((await fs.readFile(SAMPLE, 'utf8')).split('\n')[0]!);
  for (const alpha of [1, 0.5]) {
    const shown = await showPair({ run, pair: 'story-001', alpha });
    assert.deepEqual(shown.responses.map((r) => r.role), ['chosen', 'rejected']);
    const [chosen, rejected] = shown.responses;
    assert.equal(chosen!.tokens.map((t) => t.text).join('').trim(), first.chosen);
    assert.equal(rejected!.tokens.map((t) => t.text).join('').trim(), first.rejected);
    // With γ = 1, terminal drop and shaping on, the outcome is exactly Σ r_h.
    const spec = alpha === 1 ? 'endorm:shaping=on' : 'endorm:alpha=0.5,shaping=on';
    for (const r of shown.responses) {
      const sum = r.tokens.reduce((s, t) => s + t.reward, 0);
      assert.ok(Math.abs(sum - r.scores![spec]!) <= 1e-9 * Math.abs(sum), `${r.role} α=${alpha}: Σ r_h ${sum} vs ${r.scores![spec]}`);
      for (const t of r.tokens) assert.ok(Math.abs(t.logprob - (t.logit - t.value) / alpha) < 1e-4);
    }
  }
  const html = renderTokenViewHtml(shownPairPage(await showPair({ run, pair: 'story-002' })));
  assert.equal((html.match(/class="tok"/g) ?? []).length, (await showPair({ run, pair: 'story-002' })).responses.reduce((n, r) => n + r.tokens.length, 0));
});

test('show follows a rescored run back to its traces, and names what it cannot find', async () => {
  const rescored = await rescoreRun({ run, methods: ['endorm:gamma=0.9'], out: `${run}-rescored` });
  const shown = await showPair({ run: rescored.runDir, pair: 'story-003' });
  assert.deepEqual(Object.keys(shown.responses[0]!.scores!), ['endorm:gamma=0.9']);
  await assert.rejects(showPair({ run, pair: 'story-999' }), (err: Error) => err instanceof RecordNotFoundError && /no record with key or id "story-999"/.test(err.message));
  await assert.rejects(showPair({ run, pair: 'story-001', alpha: 2 }), /--alpha 2 was not traced .* \(traced: α = 1, 0\.5\)/);
  const noTokenizer = await showPair({ run, pair: 'story-001', model: '/nonexistent' });
  assert.match(noTokenizer.notes.join(' '), /Tokens are shown by id/);
  assert.match(noTokenizer.responses[0]!.tokens[0]!.text, /^⟨\d+⟩$/);
});

test('show gives the record prompt, read back from the dataset run.json names, and says when it cannot', async () => {
  const first = JSON.parse((await fs.readFile(SAMPLE, 'utf8')).split('\n')[0]!);
  const shown = await showPair({ run, pair: 'story-001' });
  assert.equal(shown.prompt, first.prompt);
  assert.match(renderTokenViewHtml(shownPairPage(shown)), new RegExp(`<dt>Prompt</dt><dd>${first.prompt.slice(0, 40)}`));
  // A dataset edited since the run: its prompt might not be the one scored, so none is shown.
  const copy = path.join(path.dirname(run), 'edited');
  await fs.cp(run, copy, { recursive: true });
  const edited = path.join(path.dirname(run), 'edited.jsonl');
  await fs.writeFile(edited, (await fs.readFile(SAMPLE, 'utf8')).replace('Lily', 'Lucy'));
  const manifest = JSON.parse(await fs.readFile(path.join(copy, 'run.json'), 'utf8'));
  await fs.writeFile(path.join(copy, 'run.json'), JSON.stringify({ ...manifest, dataset: { ...manifest.dataset, path: edited } }));
  const stale = await showPair({ run: copy, pair: 'story-001' });
  assert.equal(stale.prompt, undefined);
  assert.match(stale.notes[0]!, /The prompt is not shown: .*edited\.jsonl changed since the run/);
});

test('an unknown --pair lists the run keys closest to it, nearest first', async () => {
  await assert.rejects(showPair({ run, pair: 'story-02' }), (err: Error) => {
    assert.ok(err instanceof RecordNotFoundError);
    assert.match(err.message, /no record with key or id "story-02" in .*; closest of its 3 keys: story-002, story-001, story-003$/);
    return true;
  });
  assert.deepEqual(closestKeys('chat/17', ['code/17', 'chat/170', 'chat/71', 'chat/17x', 'safety/1'], 3), ['chat/170', 'chat/17x', 'chat/71']);
});
