import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { plainRunScores } from '../testing/plain-run.js';
import { VARIANTS, writeQuantisedVariant, type Variant } from '../testing/quantised-variants.js';
import { runCliInProcess } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';

const DATASET = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const RECORDS = 6;
const cache = tempCacheDir();

/**
 * How far endorm may be from the file's own plain run (batch 1, full logits), in log-likelihood of a response, per
 * layout (measured on stories260K, 12 responses of 28–60 tokens: see docs/model-formats.md). Float layouts: the
 * scoring head reorders float32 sums. Half-precision layouts: the head's vocabulary product is not the float16 logits'
 * (their rounding to float16 is what the plain run's log-softmax reads).
 */
const TOLERANCE: Record<Variant, number> = {
  'fp32-ext': 1e-4, q8: 1e-4, int8: 1e-4, uint8: 1e-4, q4: 1e-4, 'q4-asym': 1e-4, 'q4-gather': 1e-4, q4f16: 1e-4,
  fp16: 0.02, 'fp16-io': 0.1, bnb4: 1e-4, tied: 1e-4, 'tied-q8': 1e-4, 'tied-q4': 1e-4, 'tied-fp16': 0.02, 'tied-q4f16': 0.03,
};

/** Ways of running one dataset that must not change any score (1e-4 relative). */
const RUNS: Record<string, string[]> = {
  default: [],
  'batch 1': ['--batch-size', '1'],
  'no prefix sharing': ['--no-prefix-sharing'],
  'small batches': ['--max-batch-tokens', '70'],
};

async function scoreWith(dir: string, dtype: string, extra: string[]): Promise<{ scores: Map<string, number>; stderr: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-layout-run-'));
  const previous = process.env.ENDORM_CACHE;
  process.env.ENDORM_CACHE = cache;
  let stderr: string;
  try {
    const r = await runCliInProcess([
      'score', '--model', dir, '--dtype', dtype, '--dataset', DATASET, '--template', 'none', '--limit', String(RECORDS),
      '--methods', 'loglik', '--no-traces', '--out', out, ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    stderr = r.stderr;
  } finally {
    if (previous === undefined) delete process.env.ENDORM_CACHE;
    else process.env.ENDORM_CACHE = previous;
  }
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { scores: new Map(lines.map((l) => [`${l.pair}/${l.role}`, l.scores.loglik as number])), stderr };
}

/** Layouts whose graph changes how sequences run, and the note that says so. */
const RUN_NOTE: Partial<Record<Variant, RegExp>> = {
  q8: /note: activations are quantised with each whole sequence's range: each response runs whole with its prompt/,
  int8: /note: activations are quantised with each whole sequence's range/,
  uint8: /note: activations are quantised with each whole sequence's range/,
  'tied-q8': /note: activations are quantised with each whole sequence's range/,
  q4f16: /note: activations are half precision: on the CPU each response runs alone and whole/,
  fp16: /note: activations are half precision/,
  'fp16-io': /note: activations are half precision/,
  'tied-fp16': /note: activations are half precision/,
  'tied-q4f16': /note: activations are half precision/,
};

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

for (const variant of VARIANTS) {
  test(`${variant}: scores equal the file's own plain run and do not depend on batching, padding or prefix sharing`, async () => {
    const { dir, dtype, file } = await writeQuantisedVariant(STORIES, variant);
    const reference = await plainRunScores(dir, file, DATASET, RECORDS);
    const runs = new Map<string, Map<string, number>>();
    for (const [name, args] of Object.entries(RUNS)) {
      const { scores, stderr } = await scoreWith(dir, dtype, args);
      runs.set(name, scores);
      if (name === 'default') {
        if (RUN_NOTE[variant]) assert.match(stderr, RUN_NOTE[variant]!);
        else assert.doesNotMatch(stderr, /activations are/);
      }
    }
    const base = runs.get('default')!;
    assert.equal(base.size, 2 * RECORDS);
    let fromPlain = 0;
    const perRun = new Map([...runs.keys()].map((name) => [name, 0]));
    for (const [key, want] of reference) {
      fromPlain = Math.max(fromPlain, Math.abs(base.get(key)! - want));
      for (const [name, scores] of runs) perRun.set(name, Math.max(perRun.get(name)!, relative(scores.get(key)!, base.get(key)!)));
    }
    const acrossRuns = Math.max(...perRun.values());
    if (process.env.ENDORM_MEASURE) {
      const each = [...perRun].map(([name, d]) => `${name} ${d.toExponential(1)}`).join(', ');
      console.log(`${variant} (--dtype ${dtype}): from plain run ${fromPlain.toExponential(2)}; relative to default: ${each}`);
    }
    assert.ok(fromPlain <= TOLERANCE[variant], `${variant}: ${fromPlain} from the file's own plain run (tolerance ${TOLERANCE[variant]})`);
    assert.ok(acrossRuns <= 1e-4, `${variant}: scores differ by ${acrossRuns} (relative) across ${[...runs.keys()].join(', ')}`);
  });
}
