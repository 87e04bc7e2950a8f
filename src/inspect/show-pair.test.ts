import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { rescoreRun } from '../api/rescore-run.js';
import { scoreRun } from '../api/score-run.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { recordListText, shownPairText } from './show-console.js';
import { closestKeys, listRecords, RecordNotFoundError, showPair, shownPairPage } from './show-pair.js';
import { meanShare } from './token-shares.js';
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

test('show without --pair lists every record key with each method verdict on it, as the scores say', async () => {
  const list = await listRecords(run);
  assert.deepEqual(list.methods, ['endorm:shaping=on', 'endorm:alpha=0.5,shaping=on', 'loglik']);
  assert.deepEqual(list.records.map((r) => r.key), ['story-001', 'story-002', 'story-003']);
  for (const r of list.records) {
    const shown = await showPair({ run, pair: r.key });
    const [chosen, rejected] = shown.responses;
    for (const v of r.verdicts) {
      assert.equal(v.total, 1);
      assert.equal(v.right, chosen!.scores![v.method]! > rejected!.scores![v.method]! ? 1 : 0, `${r.key} ${v.method}`);
    }
  }
  const text = recordListText(list);
  assert.match(text, /^key +endorm:shaping=on +endorm:alpha=0\.5,shaping=on +loglik\nstory-001 +1\/1 +1\/1 +1\/1\n/);
  assert.match(text, /3 records; .*--pair KEY/);
});

test("show's console view of a record fits a screen: prompt, verdicts and each response cut short; --tokens adds every token", async () => {
  const shown = await showPair({ run, pair: 'story-001' });
  assert.deepEqual(shown.verdicts.map((v) => v.method), ['endorm:shaping=on', 'endorm:alpha=0.5,shaping=on', 'loglik']);
  const table = (r: (typeof shown.responses)[number]) => r.tokens.map((t) => `${t.id} ${t.reward}`).join('\n');
  const compact = shownPairText(shown, { colour: false, tokens: false }, table);
  assert.ok(compact.split('\n').length <= 20, compact);
  assert.match(compact, /── verdicts .*\n {2}endorm:shaping=on +1\/1 right +chosen wins: chosen -?\d+\.\d{3} vs rejected -?\d+\.\d{3}/);
  assert.match(compact, /── chosen\[0\]: \d+ tokens · endorm:shaping=on/);
  const full = shownPairText(shown, { colour: true, tokens: true }, table);
  for (const r of shown.responses) assert.ok(full.includes(table(r)));
  assert.match(full, /shade: each token's α·log π_α .* against this record's mean per token, -?\d+\.\d{3}: green above, red below/);
  // The centre of the colours is the mean share over both responses: the chosen one (which won) sits above it.
  const mean = (r: (typeof shown.responses)[number]) => r.tokens.reduce((s, t) => s + t.logprob, 0) / r.tokens.length;
  assert.ok(mean(shown.responses[0]!) > meanShare(shown.responses, 1) && meanShare(shown.responses, 1) > mean(shown.responses[1]!));
});
