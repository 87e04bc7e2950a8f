import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pair } from '../datasets/pair.js';
import { responseRequest, responseTrace } from '../engine/response-trace.js';
import { ScoringSession, type PositionRequest, type PositionResult } from '../engine/scoring-session.js';
import { formatResponse, type TemplateMode } from '../formatting/format-response.js';
import { loadJudgePrompt } from '../judges/prompt-template.js';
import { createJudge } from '../methods/judge-setup.js';
import { loadModel, type LoadedModel } from '../engine/load-model.js';
import { prepareScoringGraph } from '../onnx/scoring-graph-cache.js';
import { createResponseMethod } from '../rewards/response-methods.js';
import { responseSlot } from '../run-store/scan-scores.js';
import type { ResponseScoreRecord, ScoreRecord } from '../run-store/score-record.js';
import type { TaskBuilder, WorkItem } from '../tasks/work-item.js';
import { STORIES, tempCacheDir, TINY_LLAMA3 } from '../testing/shared-models.js';
import { planPrefixSharing, sharedPrefixLength, suffixRequest } from './prefix-sharing.js';
import { scorePairs, type ScoreProgress } from './score-pairs.js';

const ALPHAS = [1, 0.5];
const TOLERANCE = 1e-4;

function item(ids: number[], firstPosition: number, prefixKey?: string): WorkItem {
  const positions = ids.map((_, i) => i).filter((p) => p >= firstPosition);
  return { request: { ids, positions, targets: positions.map(() => 0) }, prefixKey, accept() {} };
}

describe('planning shared prefixes', () => {
  test('the prefix is common to all ids, ends before every read position and leaves each item a token', () => {
    const a = { ids: [1, 2, 3, 4, 5, 6], positions: [3, 4, 5], targets: [0, 0, 0] };
    const b = { ids: [1, 2, 3, 4, 9], positions: [3, 4], targets: [0, 0] };
    assert.equal(sharedPrefixLength([a, b]), 3, 'limited by the first read position');
    const late = { ...a, positions: [5] };
    assert.equal(sharedPrefixLength([late, { ...b, positions: [4] }]), 4, 'then by the common ids and the shorter length');
    assert.equal(sharedPrefixLength([late, { ids: [1, 2, 7, 4, 5], positions: [4], targets: [0] }]), 2, 'ids that differ end it');
    assert.equal(sharedPrefixLength([{ ids: [1, 2], positions: [1], targets: [0] }, { ids: [1, 2], positions: [1], targets: [0] }]), 1);
  });

  test('groups by key, only where the group saves enough tokens', () => {
    const prompt = Array.from({ length: 20 }, (_, i) => i + 1);
    const items = [
      item([...prompt, 50, 51], 19, 'p'),
      item([...prompt, 60], 19, 'p'),
      item([...prompt, 70, 71, 72], 19, 'p'),
      item([...prompt, 80], 19, 'alone'),
      item([1, 2, 3, 90], 2, 'short'),
      item([1, 2, 3, 91], 2, 'short'),
      item([...prompt, 99], 19),
    ];
    const plan = planPrefixSharing(items);
    assert.equal(plan.groups.length, 1);
    assert.equal(plan.groups[0].prefixIds.length, 19, "the prompt less its last token, which runs with each response");
    assert.equal(plan.groups[0].items.length, 3);
    assert.equal(plan.savedTokens, 2 * 19);
    assert.equal(plan.unshared.length, 4, 'a lone item, a group saving under the minimum and an item without key run whole');
  });

  test('a suffix request shifts positions and keeps targets', () => {
    const r = suffixRequest({ ids: [1, 2, 3, 4, 5], positions: [2, 3, 4], targets: [4, 5, 0] }, 2);
    assert.deepEqual(r, { ids: [3, 4, 5], positions: [0, 1, 2], targets: [4, 5, 0] });
  });
});

function assertClose(a: PositionResult, b: PositionResult, what: string): number {
  assert.equal(a.logits.length, b.logits.length, what);
  assert.equal(a.logSumExp.length, b.logSumExp.length, what);
  let worst = 0;
  for (let i = 0; i < a.logits.length; i++) worst = Math.max(worst, Math.abs(a.logits[i] - b.logits[i]));
  for (let i = 0; i < a.logSumExp.length; i++) worst = Math.max(worst, Math.abs(a.logSumExp[i] - b.logSumExp[i]));
  assert.ok(worst < TOLERANCE, `${what}: largest difference ${worst}`);
  return worst;
}

for (const [name, dir] of [['stories260K', STORIES], ['tiny-llama3', TINY_LLAMA3]] as const) {
  test(`responses run on a cached prompt equal whole runs (${name}): batched prompts, padded suffixes, row groups`, async () => {
    const graph = await prepareScoringGraph(path.join(dir, 'onnx', 'model.onnx'), tempCacheDir());
    const base = { alphas: ALPHAS, vocabSize: 512, threads: 1, padTokenId: 0 };
    const session = await ScoringSession.create(graph, base);
    // attentionElements this small forces one row per run: the row-group path must give the same numbers.
    const split = await ScoringSession.create(graph, { ...base, attentionHeads: 4, attentionElements: 1 });
    assert.equal(split.rowsPerRun(8), 1);
    const prompts = [
      [1, 403, 407, 261, 378, 300, 301, 45, 99],
      [1, 17, 250, 33, 44],
    ];
    const responses = [
      [[120, 121, 122, 5, 6], [7], [200, 201, 202, 203, 204, 205, 206, 207, 208]],
      [[300, 301], [302, 303, 304, 305, 306, 307]],
    ];
    const whole: PositionRequest[][] = prompts.map((p, g) =>
      responses[g].map((r) => responseRequest({ ids: [...p, ...r], responseStart: p.length })),
    );
    const expected = await Promise.all(whole.map((requests) => session.run(requests).then((x) => x.results)));
    // Both prompts (less their last token) in one right-padded batch; each row's cache is cut to its own length.
    const { presents } = await session.run(
      prompts.map((p) => ({ ids: p.slice(0, -1), positions: [], targets: [] })),
      undefined,
      { presents: true },
    );
    assert.equal(presents!.length, 2);
    assert.deepEqual(presents!.map((p) => p.length), [8, 4]);
    for (let g = 0; g < prompts.length; g++) {
      const L = prompts[g].length - 1;
      for (const s of [session, split]) {
        const { results } = await s.run(whole[g].map((r) => suffixRequest(r, L)), presents![g]);
        results.forEach((r, i) => assertClose(r, expected[g][i], `${name} prompt ${g} response ${i}`));
      }
      const { results } = await split.run(whole[g]);
      results.forEach((r, i) => assertClose(r, expected[g][i], `${name} row groups, prompt ${g} response ${i}`));
    }
    await session.release();
    await split.release();
  });
}

describe('scorePairs with shared prompt prefixes', () => {
  const models: Record<string, LoadedModel> = {};
  before(async () => {
    models.stories = await loadModel(STORIES, { dtype: 'fp32', alphas: ALPHAS, cacheDir: tempCacheDir(), threads: 1 });
    models.llama3 = await loadModel(TINY_LLAMA3, { dtype: 'fp32', alphas: ALPHAS, cacheDir: tempCacheDir(), threads: 1 });
  });
  after(async () => {
    for (const m of Object.values(models)) await m.session.release();
  });

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

  /** Items from formatResponse + responseRequest with the prompt's ids as prefix key, as the response task builds them. */
  function builder(model: LoadedModel, template: TemplateMode): TaskBuilder {
    const methods = ['endorm', 'endorm:alpha=0.5,gamma=0.9,terminal=keep', 'loglik'].map((s) => createResponseMethod(s));
    return (pair) => {
      const prepared = [
        ...pair.chosen.map((text, index) => ({ role: 'chosen' as const, index, text })),
        ...pair.rejected.map((text, index) => ({ role: 'rejected' as const, index, text })),
      ].map((r) => ({ ...r, formatted: formatResponse(model.tokenizer, { template, prompt: pair.prompt, response: r.text }), result: undefined as PositionResult | undefined }));
      return {
        truncated: 0,
        parts: prepared.map((p) => ({
          slot: responseSlot(p.role, p.index),
          items: [
            {
              request: responseRequest(p.formatted),
              prefixKey: `${pair.key}\u0000${p.formatted.ids.slice(0, p.formatted.responseStart).join(',')}`,
              accept: (result: PositionResult) => {
                p.result = result;
              },
            },
          ],
          finish: (): ResponseScoreRecord => {
            const trace = responseTrace(p.formatted, p.result!, ALPHAS);
            const scores: Record<string, number> = {};
            for (const m of methods) scores[m.spec] = m.score({ trace, text: p.text });
            return { type: 'response', pair: pair.key, id: pair.id, role: p.role, index: p.index, tokens: trace.tokens.length, chars: p.text.length, truncated: false, scores };
          },
        })),
      };
    };
  }

  async function run(model: LoadedModel, template: TemplateMode, prefixSharing: boolean, batchSize = 4, builders?: TaskBuilder[]) {
    const records: ScoreRecord[] = [];
    async function* pairs() {
      yield* PAIRS;
    }
    const progress = await scorePairs(pairs(), {
      session: model.session,
      builders: builders ?? [builder(model, template)],
      batch: { batchSize, maxBatchTokens: 100000 },
      prefixSharing,
      sink: (r) => {
        records.push(...r);
      },
    });
    const key = (r: ScoreRecord) => (r.type === 'response' ? `${r.pair}/${r.role}/${r.index}` : `${r.pair}/${r.chosen}-${r.rejected}`);
    return { progress, scores: new Map(records.map((r) => [key(r), r.scores])) };
  }

  for (const [name, key, template] of [['stories260K', 'stories', 'none'], ['tiny-llama3', 'llama3', 'chat']] as const) {
    test(`scores with sharing equal scores without, within 1e-4 (${name}, template ${template})`, async () => {
      const model = models[key];
      const plain = await run(model, template, false);
      assert.equal(plain.progress.savedTokens, 0);
      assert.equal(plain.progress.computedTokens, plain.progress.tokens);
      const shared: Array<{ progress: ScoreProgress; scores: Map<string, Record<string, number>> }> = [
        await run(model, template, true),
        await run(model, template, true, 2),
      ];
      for (const s of shared) {
        assert.equal(s.progress.tokens, plain.progress.tokens, 'tokens count every response whole');
        assert.ok(s.progress.savedTokens! > 0, 'the six-response record shares its prompt');
        assert.equal(s.progress.computedTokens, s.progress.tokens - s.progress.savedTokens!);
        assert.equal(s.scores.size, plain.scores.size);
        for (const [k, scores] of plain.scores) {
          for (const spec of Object.keys(scores)) {
            const other = s.scores.get(k)![spec];
            assert.ok(Math.abs(other - scores[spec]) < TOLERANCE, `${k} ${spec}: ${other} vs ${scores[spec]}`);
          }
        }
      }
    });
  }

  test('judge prompts share their instructions across pairs; verdicts equal the unshared ones within 1e-4 (tiny-llama3)', async () => {
    const model = models.llama3;
    const judges = await Promise.all(
      (['judge-pointwise', 'judge-pairwise'] as const).map(async (name) =>
        createJudge(name, { spec: name, tokenizer: model.tokenizer, template: 'chat', maxLength: 2048, alphas: ALPHAS, prompt: await loadJudgePrompt(name) }),
      ),
    );
    const builders = judges.map((j) => j.builder);
    const plain = await run(model, 'chat', false, 4, builders);
    const shared = await run(model, 'chat', true, 4, builders);
    assert.ok(shared.progress.savedTokens! > 0.3 * shared.progress.tokens, `saved ${shared.progress.savedTokens} of ${shared.progress.tokens}`);
    assert.equal(shared.scores.size, plain.scores.size);
    for (const [k, scores] of plain.scores) {
      for (const spec of Object.keys(scores)) {
        const other = shared.scores.get(k)![spec];
        assert.ok(Math.abs(other - scores[spec]) < TOLERANCE, `${k} ${spec}: ${other} vs ${scores[spec]}`);
      }
    }
  });

  test('a session that cannot run on a cache (no past inputs, or a stand-in) runs every item whole', async () => {
    const real = models.stories.session;
    const standIn = { alphas: ALPHAS, run: (requests: PositionRequest[]) => real.run(requests) } as unknown as ScoringSession;
    const records: ScoreRecord[] = [];
    const progress = await scorePairs(
      (async function* () {
        yield* PAIRS;
      })(),
      { session: standIn, builders: [builder(models.stories, 'none')], batch: { batchSize: 4, maxBatchTokens: 100000 }, sink: (r) => void records.push(...r) },
    );
    assert.equal(progress.savedTokens, 0);
    assert.equal(records.length, 10);
  });
});
