import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { createResponseMethod } from '../rewards/response-methods.js';
import { responseTaskBuilder } from '../run/response-task.js';
import type { ResponseScoreRecord, ScoreRecord } from '../run/score-record.js';
import { scorePairs, type ScoreProgress } from '../run/score-pairs.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { loadModel } from './load-model.js';
import type { ScoringHead } from '../onnx/scoring-io.js';

const ALPHAS = [1, 0.5, 2];
const PAIRS: Pair[] = [
  {
    prompt: 'Once upon a time, there was a little girl named Lily. She had a big red ball and a small brown dog.',
    chosen: [' She loved to play in the park with her dog.', ' One day she threw the ball very high.', ' They ran.'],
    rejected: [' dog her park with to in the She play loved.', ' high very ball the threw she day One.', ' ran They.'],
  },
  {
    prompt: 'Tom had a red ball. He liked to kick it in the garden every day after school with his sister.',
    chosen: [' He threw it high in the sky and laughed.'],
    rejected: [' sky laughed the in it and threw high He.'],
  },
  { prompt: 'Hi.', chosen: [' Hello there.'], rejected: [' there Hello.'] },
].map((p, i) => ({ ...p, key: `p${i}`, id: `p${i}`, source: { file: 'inline', line: i + 1 } }));

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
  assert.equal(gathered.records.size, 10);
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
