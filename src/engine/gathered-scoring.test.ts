import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { createResponseMethod } from '../rewards/response-methods.js';
import { responseTaskBuilder } from '../run/response-task.js';
import type { ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import { scorePairs, type ScoreProgress } from '../run/score-pairs.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { loadModel } from './load-model.js';
import type { ScoringHead } from '../onnx/scoring-io.js';

const ALPHAS = [1, 0.5, 2];
// The story sample's first records: each prompt's chosen and rejected response share it, so prompts run once.
const PAIRS: Pair[] = fs
  .readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8')
  .split('\n')
  .slice(0, 6)
  .map((line, i) => {
    const r = JSON.parse(line);
    return { key: r.id, id: r.id, prompt: r.prompt, chosen: [r.chosen], rejected: [r.rejected], source: { file: 'stories-sample.jsonl', line: i + 1 } };
  });

async function* stream(pairs: Pair[]) {
  yield* pairs;
}

/** `endorm score` as the run layer drives it, with the given head on CPU, prompts shared. */
async function score(head: ScoringHead): Promise<{ records: Map<string, ResponseScoreRecord>; progress: ScoreProgress }> {
  const model = await loadModel(STORIES, { alphas: ALPHAS, cacheDir: tempCacheDir(), threads: 1, head });
  assert.equal(model.session.head, head);
  const methods = ['endorm', 'endorm:alpha=0.5,gamma=0.9,terminal=keep', 'endorm:alpha=2', 'loglik'].map((s) => createResponseMethod(s));
  const records: ScoreRecord[] = [];
  try {
    const progress = await scorePairs(stream(PAIRS), {
      session: model.session,
      builders: [responseTaskBuilder({ tokenizer: model.tokenizer, template: 'none', scoreEot: true, maxLength: 512, alphas: ALPHAS, methods })],
      batch: { batchSize: 4, maxBatchTokens: 100000 },
      sink: (r) => void records.push(...r),
    });
    return { records: new Map(records.map((r) => [`${r.pair}/${(r as ResponseScoreRecord).role}/${(r as ResponseScoreRecord).index}`, r as ResponseScoreRecord])), progress };
  } finally {
    await model.session.release();
  }
}

test('endorm scores through the gathered (GPU) head equal the Scan head\'s within 1e-4, prompts shared on their caches', async () => {
  const scan = await score('scan');
  const gathered = await score('gathered');
  assert.ok(gathered.progress.savedTokens! > 0, 'some responses ran on a cached prompt');
  assert.equal(gathered.progress.savedTokens, scan.progress.savedTokens);
  assert.equal(gathered.records.size, 12);
  for (const [key, r] of scan.records) {
    const g = gathered.records.get(key)!;
    assert.equal(g.tokens, r.tokens);
    for (const spec of Object.keys(r.scores)) {
      const a = g.scores[spec];
      const b = r.scores[spec];
      assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${key} ${spec}: ${a} vs ${b}`);
    }
  }
});
