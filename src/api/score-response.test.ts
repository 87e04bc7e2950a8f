import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MethodSpecError } from '../rewards/method-spec.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import type { LoadStatus } from '../engine/load-model.js';
import { openRunTraces, readRun } from './read-run.js';
import { loadScorer } from './score-response.js';
import { scoreRun } from './score-run.js';

const PAIRS = [
  { prompt: 'Tom had a red ball.', chosen: ' He threw it high in the sky and laughed.', rejected: ' sky laughed the in it and threw high He.' },
  { prompt: 'Sam wanted a cookie.', chosen: ' His mom gave him one.', rejected: ' one him gave mom His.' },
];
const METHODS = ['endorm', 'endorm:alpha=0.5,gamma=0.9', 'loglik', 'length'];

test('loadScorer scores a response as a run scores it, says what loading does, and readRun reads the run back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-scorer-'));
  const cacheDir = tempCacheDir();
  fs.writeFileSync(path.join(dir, 'pairs.jsonl'), PAIRS.map((p) => JSON.stringify(p)).join('\n'));
  const { runDir } = await scoreRun({ model: STORIES, dataset: path.join(dir, 'pairs.jsonl'), methods: METHODS, out: path.join(dir, 'run'), cacheDir, threads: 1 });

  const phases: LoadStatus['phase'][] = [];
  const scorer = await loadScorer({ model: STORIES, methods: METHODS, cacheDir, threads: 1, onStatus: (s) => phases.push(s.phase) });
  try {
    // The run built the graph in this cache, so the scorer's load has no graph phase.
    assert.deepEqual(phases, ['model', 'session', 'ready']);
    assert.equal(scorer.template, 'none');
    assert.deepEqual(scorer.alphas, [1, 0.5]);

    const run = await readRun(runDir);
    assert.equal(run.manifest.model.spec, STORIES);
    assert.equal(run.summary!.counts.pairs, 2);
    assert.equal(run.lines.length, 4);
    assert.equal(run.tornLine, null);
    const traces = await openRunTraces(runDir);
    try {
      for (const line of run.lines) {
        if (line.type !== 'response') continue;
        const pair = PAIRS[Number(line.id) - 1]!; // a record without an id is known by its line number
        const scored = await scorer.score({ prompt: pair.prompt, response: line.role === 'chosen' ? pair.chosen : pair.rejected });
        for (const spec of METHODS) {
          const want = line.scores[spec]!;
          assert.ok(Math.abs(scored.scores[spec]! - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${line.pair} ${line.role} ${spec}: ${scored.scores[spec]} vs the run's ${want}`);
        }
        assert.deepEqual([...scored.trace.tokens], [...(await traces.read(line))!.tokens]);
        assert.equal(scored.tokens.length, line.tokens);
        assert.equal(scored.truncated, false);
      }
    } finally {
      await traces.close();
    }

    // Per-token views at a traced temperature: log π = (f − V) / α, token by token.
    const half = await scorer.score({ prompt: PAIRS[0]!.prompt, response: PAIRS[0]!.chosen }, { alpha: 0.5 });
    for (const t of half.tokens) assert.ok(Math.abs(t.logprob - (t.logit - t.value) / 0.5) < 1e-4);
    await assert.rejects(scorer.score({ prompt: 'a', response: ' b' }, { alpha: 3 }), /α=3 was not computed/);
  } finally {
    await scorer.close();
  }
  await assert.rejects(scorer.score({ prompt: 'a', response: ' b' }), /closed/);
});

test('loadScorer refuses judges before loading anything: they are asked of pairs in a run', async () => {
  await assert.rejects(loadScorer({ model: '/nonexistent', methods: ['endorm', 'judge-pairwise'] }), (err: Error) => {
    assert.ok(err instanceof MethodSpecError);
    assert.match(err.message, /judge-pairwise is a judge: score a dataset with scoreRun/);
    return true;
  });
});
