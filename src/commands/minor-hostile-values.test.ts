import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

// Issue 19, minor points: --threads 1000 ran 25× slower without a word; lone surrogates passed into tokenisation.
process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-minor-'));
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const score = (dataset: string, ...more: string[]) => ['score', '--model', STORIES, '--template', 'none', '--methods', 'endorm,length', '--dataset', dataset, '--out', fs.mkdtempSync(path.join(tmp, 'run-')), ...more];

test('--threads above the cores is warned about (not capped) and the run goes on', async () => {
  const threads = os.availableParallelism() + 3;
  const r = await endorm(score(SAMPLE, '--limit', '1', '--threads', String(threads)));
  assert.equal(r.code, EXIT.ok, r.stderr);
  assert.match(r.stderr, new RegExp(`endorm: note: ${threads} threads asked for \\(--threads\\), but this machine has ${os.availableParallelism()} cores`));
  const quiet = await endorm(score(SAMPLE, '--limit', '1', '--threads', String(os.availableParallelism())));
  assert.doesNotMatch(quiet.stderr, /threads asked for/);
});

test('a lone surrogate in a response, a prompt message or a system field is exit 3 naming file, line and field', async () => {
  const good = { id: 'a', prompt: 'Once upon a time', chosen: ' a cat sat.', rejected: ' sat cat a.' };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...good, chosen: ' a cat\ud800 sat.' }, /lone\.jsonl:2: field "chosen": holds a lone surrogate \(\\ud800 at character 7\)/],
    [{ ...good, rejected: '\udc00 sat' }, /lone\.jsonl:2: field "rejected": holds a lone surrogate \(\\udc00 at character 1\)/],
    [{ ...good, prompt: [{ role: 'user', content: 'hi \udbff' }] }, /lone\.jsonl:2: field "prompt": message 1: content holds a lone surrogate \(\\udbff at character 4\)/],
    [{ ...good, system: 'x\ud834' }, /lone\.jsonl:2: field "system": holds a lone surrogate/],
  ];
  for (const [record, message] of cases) {
    const file = path.join(fs.mkdtempSync(path.join(tmp, 'data-')), 'lone.jsonl');
    // JSON.stringify writes a lone surrogate as its \u escape, as a hostile file would hold it.
    fs.writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...record, id: 'b' })}\n`);
    assert.match(fs.readFileSync(file, 'utf8'), /\\ud[89a-f][0-9a-f]{2}/);
    const r = await endorm(score(file));
    assert.equal(r.code, EXIT.input, r.stderr);
    assert.match(r.stderr, message);
  }
  // A proper pair (an emoji) is text.
  const file = path.join(tmp, 'pair.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ ...good, chosen: ' a cat \ud83d\ude00 sat.' })}\n`);
  assert.equal((await endorm(score(file, '--quiet'))).code, EXIT.ok);
});
