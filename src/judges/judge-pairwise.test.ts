import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { ScoreRecordStore } from '../benchmarks/record-store.js';
import { summarizeMethods } from '../benchmarks/summarize-methods.js';
import type { Pair } from '../datasets/pair.js';
import type { PositionRequest, PositionResult, ScoringSession } from '../engine/scoring-session.js';
import { createJudge } from '../methods/judge-setup.js';
import { loadTokenizer } from '../model/load-tokenizer.js';
import type { ComparisonScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import { scorePairs } from '../run/score-pairs.js';
import { TINY_LLAMA3 } from '../testing/shared-models.js';
import { pairwiseScore } from './judge-pairwise.js';
import { loadJudgePrompt } from './prompt-template.js';

let tokenizer: PreTrainedTokenizer;
before(async () => {
  tokenizer = await loadTokenizer(TINY_LLAMA3);
});

// tiny-llama3's position labels after "[[": A = 65 | 349 (" A"); B = 66 | 32 66 (" " then "B").
const A_TOKENS = new Set([65, 349]);

/** A scorer standing in for the model: `prefersA(ids)` decides each judge prompt, by a margin of e^4. */
function stubSession(prefersA: (ids: number[]) => boolean): ScoringSession {
  return {
    alphas: [1],
    async run(requests: PositionRequest[]) {
      const results: PositionResult[] = requests.map((r) => {
        const a = prefersA(r.ids);
        const logits = Float32Array.from(r.targets, (t) => (A_TOKENS.has(t) === a ? 4 : 0));
        return { logits, logSumExp: new Float32Array(r.targets.length).fill(6) };
      });
      return { results };
    },
  } as unknown as ScoringSession;
}

function pairs(n: number, shape: [number, number] = [1, 1]): Pair[] {
  return Array.from({ length: n }, (_, k) => ({
    key: `p${k}`,
    id: `p${k}`,
    prompt: `Question ${k}?`,
    chosen: Array.from({ length: shape[0] }, (_, i) => `GOOD answer ${i}`),
    rejected: Array.from({ length: shape[1] }, (_, j) => `BAD answer ${j}`),
    source: { file: 'inline', line: k + 1 },
  }));
}

async function judgeAll(session: ScoringSession, input: Pair[]): Promise<ScoreRecord[]> {
  const judge = createJudge('judge-pairwise', {
    spec: 'judge-pairwise',
    tokenizer,
    template: 'chat',
    maxLength: 2048,
    alphas: [1],
    prompt: await loadJudgePrompt('judge-pairwise'),
  });
  const records: ScoreRecord[] = [];
  await scorePairs(
    (async function* () {
      yield* input;
    })(),
    { session, builders: [judge.builder], batch: { batchSize: 4, maxBatchTokens: 100000 }, sink: (r) => void records.push(...r) },
  );
  return records;
}

function summarize(records: ScoreRecord[]) {
  const store = new ScoreRecordStore();
  records.forEach((r) => store.add(r));
  return summarizeMethods(store, { methods: ['judge-pairwise'] })['judge-pairwise']!;
}

test('a judge that always prefers position A: 50% accuracy (each order is a judgement), consistency 0', async () => {
  const records = await judgeAll(stubSession(() => true), pairs(6));
  assert.equal(records.length, 6);
  for (const r of records as ComparisonScoreRecord[]) {
    assert.equal(r.type, 'comparison');
    const extra = r.extra!['judge-pairwise'] as { chosenAsA: number; chosenAsB: number };
    // Shown first, chosen wins with P(A wins); shown second, it wins with 1 − P(A wins).
    assert.ok(extra.chosenAsA > 0.9 && extra.chosenAsB < 0.1, JSON.stringify(extra));
    assert.ok(Math.abs(r.scores['judge-pairwise']! - (extra.chosenAsA + extra.chosenAsB) / 2) < 1e-12);
  }
  const m = summarize(records);
  assert.equal(m.kind, 'comparison');
  assert.equal(m.accuracy, 0.5);
  assert.equal(m.comparisons, 12);
  assert.equal(m.correct, 6);
  assert.equal(m.ties, 0);
  assert.equal(m.pairs, 6);
  assert.deepEqual(m.position, { cells: 6, consistency: 0, firstPositionBias: 1, secondPositionBias: 0, firstPositionRate: 1 });
});

test('a judge that reads the content: both orders right, consistency 1, no position bias', async () => {
  const decode = (ids: number[]) => tokenizer.decode(ids, { skip_special_tokens: false });
  const byContent = stubSession((ids) => {
    const text = decode(ids);
    return text.indexOf('GOOD') < text.indexOf('BAD');
  });
  const m = summarize(await judgeAll(byContent, pairs(5)));
  assert.equal(m.accuracy, 1);
  assert.deepEqual(m.position, { cells: 5, consistency: 1, firstPositionBias: 0, secondPositionBias: 0, firstPositionRate: 0.5 });
});

test('RM-Bench shape: chosen[i] is compared with rejected[j] directly, every cell in both orders', async () => {
  const seen: string[] = [];
  const session = stubSession((ids) => {
    const text = tokenizer.decode(ids, { skip_special_tokens: false });
    const a = /Assistant A's Answer\]\n(.*)\n/.exec(text)![1]!;
    const b = /Assistant B's Answer\]\n(.*)\n/.exec(text)![1]!;
    seen.push(`${a} | ${b}`);
    return a.startsWith('GOOD');
  });
  const records = (await judgeAll(session, pairs(1, [3, 3]))) as ComparisonScoreRecord[];
  assert.deepEqual(records.map((r) => [r.chosen, r.rejected]), [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => [i, j])));
  // One prompt per cell and order; each is a single sequence (the prompt plus the " " that " B" starts with).
  const unique = [...new Set(seen)].sort();
  assert.equal(unique.length, 18);
  assert.ok(unique.includes('GOOD answer 2 | BAD answer 0') && unique.includes('BAD answer 0 | GOOD answer 2'));
  assert.ok(records.every((r) => r.scores['judge-pairwise']! > 0.9));
});

test('pairwiseScore: the mean of P(chosen wins) over the two orders', () => {
  assert.deepEqual(pairwiseScore(0.8, 0.3), { score: 0.75, chosenAsA: 0.8, chosenAsB: 0.7 });
  assert.deepEqual(pairwiseScore(1, 1), { score: 0.5, chosenAsA: 1, chosenAsB: 0 });
});
