import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { plainRunLoglik } from './plain-run.js';
import { runCliInProcess } from './run-cli.js';
import { PROJECT_ROOT } from './shared-models.js';

/** The batchings a score must not depend on (the project's determinism rule), as `endorm score` options. */
export const BATCHINGS: Record<string, string[]> = {
  default: [],
  'batch-size 1': ['--batch-size', '1'],
  'no prefix sharing': ['--no-prefix-sharing'],
  'max-batch-tokens 64': ['--max-batch-tokens', '64'],
};

/** The story sample's first `records` records in a temp file: prompts shared by two responses each. */
export function storiesHead(records: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-stories-head-'));
  const file = path.join(dir, `stories-${records}.jsonl`);
  fs.writeFileSync(file, fs.readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8').split('\n').slice(0, records).join('\n') + '\n');
  return file;
}

/** `endorm score --methods loglik` of `dataset` with extra options: each response's log-likelihood by `pair/role`. */
export async function cliLoglik(model: string, dtype: string, dataset: string, extra: string[]): Promise<Map<string, number>> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-batching-run-'));
  const r = await runCliInProcess(['score', '--model', model, '--dtype', dtype, '--template', 'none', '--dataset', dataset, '--methods', 'loglik', '--out', out, '--force', '--quiet', '--threads', '1', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  fs.rmSync(out, { recursive: true, force: true });
  return new Map(lines.map((l) => [`${l.pair}/${l.role}`, l.scores.loglik as number]));
}

/** Largest |a − b| / max(1, |b|) over b's keys (each must be in a). */
export function worstRelative(a: Map<string, number>, b: Map<string, number>): number {
  let worst = 0;
  for (const [key, x] of b) {
    const y = a.get(key);
    assert.ok(y !== undefined, `${key} scored`);
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(x)));
  }
  return worst;
}

/**
 * Scores `dataset` with the model under every batching and with its file run plainly (batch 1, no cache, full
 * logits); returns, per batching, the largest relative distance to the plain run and to the default batching.
 */
export async function distancesUnderBatchings(model: string, onnxFile: string, dtype: string, dataset: string): Promise<{ plain: Map<string, number>; distances: Record<string, { plain: number; default: number }> }> {
  const plain = new Map((await plainRunLoglik(model, onnxFile, dataset)).map((r) => [`${r.pair}/${r.role}`, r.loglik]));
  const runs: Record<string, Map<string, number>> = {};
  for (const [name, extra] of Object.entries(BATCHINGS)) runs[name] = await cliLoglik(model, dtype, dataset, extra);
  const distances = Object.fromEntries(Object.entries(runs).map(([name, scores]) => [name, { plain: worstRelative(scores, plain), default: worstRelative(scores, runs.default) }]));
  return { plain, distances };
}
