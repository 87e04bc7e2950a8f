import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ScoringSession, type PositionRequest } from '../engine/scoring-session.js';
import { PlainRun } from '../testing/plain-run.js';
import { writeQuantisedVariant } from '../testing/quantised-variants.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { buildScoringGraph } from './build-scoring-graph.js';
import { GraphRewriteError } from './find-vocab-projection.js';
import { onnx } from './onnx-proto.js';
import { prepareScoringGraph } from './scoring-graph-cache.js';
import type { ScoringHead } from './scoring-io.js';

/** Three sequences of different lengths (so a batch pads two of them), every next token scored. */
const SEQUENCES = [37, 12, 58].map((n, s) => Array.from({ length: n }, (_, i) => (i * 131 + s * 17 + 3) % 500 + 5));
const request = (ids: number[]): PositionRequest => ({ ids, positions: ids.slice(0, -1).map((_, i) => i), targets: ids.slice(1) });

async function logliks(graph: string, head: ScoringHead, batched: boolean, chunkElements?: number): Promise<number[]> {
  const session = await ScoringSession.create(graph, { alphas: [1], vocabSize: 512, threads: 1, head, chunkElements });
  try {
    const runs = batched ? [SEQUENCES] : SEQUENCES.map((s) => [s]);
    const out: number[] = [];
    for (const run of runs) {
      const { results } = await session.run(run.map(request));
      for (const r of results) out.push(r.logits.reduce((sum, logit, i) => sum + logit - r.logSumExp[i], 0));
    }
    return out;
  } finally {
    await session.release();
  }
}

test('dynamic int8, both heads: a batch, each sequence alone, and a small head budget all give the plain run\'s scores', async () => {
  const { dir, file } = await writeQuantisedVariant(STORIES, 'q8');
  const plain = await PlainRun.open(dir, file);
  const want = await Promise.all(SEQUENCES.map((ids) => plain.loglik(ids, 1)));
  await plain.release();
  const cache = tempCacheDir();
  for (const head of ['scan', 'gathered'] as const) {
    const graph = await prepareScoringGraph(file, cache, { head });
    const ways = {
      batched: await logliks(graph, head, true),
      alone: await logliks(graph, head, false),
      // the Scan head then takes 4 positions per step (steps mix rows); the gathered head 1 position per run
      'small head budget': await logliks(graph, head, true, 512 * 4),
    };
    for (const [way, got] of Object.entries(ways)) {
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-4 * Math.abs(want[i]), `${head} head, ${way}: sequence ${i}: ${g} vs plain run ${want[i]}`));
    }
  }
});

test('a dynamic quantiser whose output feeds an op the rewrite does not know stops with exit 4 naming the node and op, no stack', async () => {
  const { dir, dtype, file } = await writeQuantisedVariant(STORIES, 'q8');
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  const g = model.graph!;
  const dql = g.node!.find((n) => n.opType === 'DynamicQuantizeLinear')!;
  g.node!.push({ opType: 'Identity', input: [dql.output![0]!], output: ['extra'], name: 'odd/Identity' });
  g.output!.push({ name: 'extra', type: { tensorType: { elemType: 2 } } });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-unrewritable-'));
  const previous = process.env.ENDORM_CACHE;
  process.env.ENDORM_CACHE = tempCacheDir();
  try {
    const r = await runCliInProcess([
      'score', '--model', dir, '--dtype', dtype, '--dataset', path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'),
      '--template', 'none', '--limit', '1', '--methods', 'loglik', '--quiet', '--out', out,
    ]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`node odd/Identity \\(Identity\\) reads the quantised values of the dynamic quantiser ${dql.name!.replace(/[/.]/g, '\\$&')}`));
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  } finally {
    if (previous === undefined) delete process.env.ENDORM_CACHE;
    else process.env.ENDORM_CACHE = previous;
  }
});

test('a dynamically quantised graph without an attention_mask input cannot take ranges per sequence: exit 4, naming the quantiser', async () => {
  const { file } = await writeQuantisedVariant(STORIES, 'q8');
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  model.graph!.input = model.graph!.input!.filter((i) => i.name !== 'attention_mask');
  assert.throws(
    () => buildScoringGraph(model),
    (err: Error) => err instanceof GraphRewriteError && err.exitCode === 4 && /dynamic quantiser \S+ \(DynamicQuantizeLinear\) takes its range per sequence from the graph's attention_mask input, which it lacks/.test(err.message),
  );
});
