import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-dedupe-'));

test('--dedupe-ids scores every record of a file with a repeated id, and a resume keeps the option from run.json', async () => {
  const dataset = path.join(tmp, 'dupes.csv');
  fs.writeFileSync(dataset, 'id,prompt,chosen,rejected\na,Once upon a time,there was a cat.,cat a was there.\nb,Tom had a dog.,It ran.,ran It.\na,Lily saw a bird.,It sang.,sang It.\n');
  const out = path.join(tmp, 'run');
  const args = ['score', '--model', STORIES, '--template', 'none', '--methods', 'loglik', '--quiet', '--dataset', dataset, '--out', out];
  assert.equal((await endorm(args)).code, EXIT.input);
  fs.rmSync(out, { recursive: true, force: true });

  const run = await endorm([...args, '--dedupe-ids']);
  assert.equal(run.code, 0, run.stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual([...new Set(lines.map((l) => `${l.pair} ${l.id}`))].sort(), ['a a', 'a@4 a', 'b b']);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')).dataset.options, { dedupeIds: 'true' });

  const resumed = await endorm(['score', '--resume', out]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /was already complete \(3 records\)/);
});
