import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ModelError } from '../model/model-errors.js';
import { refuseMethodsWithoutScores } from './finite-scores.js';

function run(scores: Record<string, number | null>[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-finite-'));
  const lines = scores.map((s, i) => JSON.stringify({ type: 'response', pair: `p${i}`, id: `p${i}`, role: 'chosen', index: 0, tokens: 1, chars: 1, truncated: false, scores: s }));
  fs.writeFileSync(path.join(dir, 'scores.jsonl'), lines.join('\n') + '\n');
  return dir;
}

test('a method whose every score is null (NaN/Inf from the model) fails the run; one finite score is enough to pass', async () => {
  // JSON writes NaN and ±Inf as null: that is how they reach the file.
  const dir = run([JSON.parse(JSON.stringify({ loglik: NaN, length: 3 })), JSON.parse(JSON.stringify({ loglik: -Infinity, length: 4 }))]);
  await assert.rejects(refuseMethodsWithoutScores(dir, ['loglik', 'length'], '/cache/graphs/x/model.onnx'), (err: unknown) => {
    assert.ok(err instanceof ModelError);
    assert.match(err.message, /^loglik: none of 2 score\(s\) in .*scores\.jsonl is a finite number: the model returned NaN\/Inf \(scoring graph \/cache\/graphs\/x\/model\.onnx\): damaged weights\?/);
    return true;
  });
  await refuseMethodsWithoutScores(run([{ loglik: null, length: 3 }, { loglik: -2, length: 4 }]), ['loglik', 'length']);
  // A method with no lines at all (a judge-only run's response methods) is not this case.
  await refuseMethodsWithoutScores(run([{ length: 3 }]), ['length', 'judge-pairwise']);
});
