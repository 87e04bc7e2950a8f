import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rmBenchOf } from '../protocols/rm-bench/rm-bench-summary.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { summarizeRun } from './summarize-run.js';
import { writeReports } from './write-reports.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'endorm-run-'));
}

test('summarizes a synthetic RM-Bench run: methods, counts, notes, carried-over timing', async () => {
  const dir = await tempDir();
  await writeSyntheticRun(dir, {
    tornLastLine: true,
    duplicateFirstRecord: true,
    timing: { startedAt: '2025-01-01T12:00:00Z', finishedAt: '2025-01-01T12:01:40Z', seconds: 100 },
  });
  const summary = await summarizeRun(dir);
  assert.deepEqual(Object.keys(summary.methods), ['endorm', 'loglik', 'judge-pairwise']);
  assert.equal(summary.counts.pairs, 20);
  assert.equal(summary.counts.responses, 120);
  assert.equal(summary.timing.seconds, 100);
  assert.equal(summary.timing.tokensPerSecond, summary.counts.tokens / 100);
  const endorm = summary.methods['endorm']!;
  assert.equal(endorm.pairs, 20);
  assert.equal(endorm.comparisons, 180);
  assert.deepEqual(rmBenchOf(endorm)!.missingDomains, []);
  assert.equal(summary.methods['loglik']!.vsReference!.reference, 'endorm');
  assert.equal(summary.methods['judge-pairwise']!.kind, 'comparison');
  assert.ok(summary.notes.some((n) => /line \d+ is incomplete/.test(n)));
  assert.ok(summary.notes.some((n) => /repeated an earlier/.test(n)));
  assert.equal(summary.model.spec, 'onnx-community/Qwen3-0.6B-ONNX');
  await rm(dir, { recursive: true });
});

test('a missing domain is named in the notes and never averaged over', async () => {
  const dir = await tempDir();
  await writeSyntheticRun(dir, { groups: ['chat', 'code', 'safety-refuse', 'safety-response'] });
  const summary = await summarizeRun(dir);
  const rm = rmBenchOf(summary.methods['endorm']!)!;
  assert.deepEqual(rm.missingDomains, ['math']);
  assert.equal(rm.domains.math, undefined);
  const present = Object.values(rm.domains);
  assert.equal(present.length, 3);
  assert.ok(Math.abs(rm.easy! - present.reduce((s, d) => s + d.easy, 0) / 3) < 1e-12);
  assert.ok(summary.notes.some((n) => n.includes('math: missing from this dataset')));
  await rm_(dir);
});

test('a domain the dataset has but --limit left out is "not scored", not "missing from this dataset"', async () => {
  const dir = await tempDir();
  await writeSyntheticRun(dir, {
    groups: ['chat'],
    settings: { limit: 20 },
    datasetDomains: { chat: 129, math: 0, code: 228, safety: 441 },
  });
  const summary = await summarizeRun(dir);
  assert.deepEqual(rmBenchOf(summary.methods['endorm']!)!.missingDomains, ['math', 'code', 'safety']);
  const note = summary.notes.find((n) => n.startsWith('RM-Bench:'))!;
  assert.equal(
    note,
    'RM-Bench: math: missing from this dataset; code: not scored in this run (228 records in the dataset; --limit 20); ' +
      'safety: not scored in this run (441 records in the dataset; --limit 20). Overall scores average the present domains only.',
  );
  await writeReports(dir, summary);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  assert.match(md, /\| `endorm` \| [\d.]+ \| missing \| not scored \| not scored \|/);
  assert.match(md, /\| code \| 0 \| not scored in this run \(228 records in the dataset; --limit 20\) \|/);
  await rm_(dir);
});

test('options win over the previous summary; without either, timing is null', async () => {
  const dir = await tempDir();
  await writeSyntheticRun(dir, { kind: 'pairs', records: 5, groups: ['g'] });
  const bare = await summarizeRun(dir);
  assert.deepEqual(bare.timing, { startedAt: null, finishedAt: null, seconds: null });
  assert.equal(bare.counts.skipped, 0);
  assert.equal(rmBenchOf(bare.methods['endorm']!), undefined);
  const given = await summarizeRun(dir, { timing: { seconds: 10 }, skipped: 3, notes: ['from the scorer'] });
  assert.equal(given.timing.seconds, 10);
  assert.equal(given.counts.skipped, 3);
  assert.equal(given.notes[0], 'from the scorer');
  await rm_(dir);
});

test('a run folder without scores.jsonl summarizes to empty methods with a note', async () => {
  const dir = await tempDir();
  await writeSyntheticRun(dir, { records: 1 });
  await rm(join(dir, 'scores.jsonl'));
  const summary = await summarizeRun(dir);
  assert.equal(summary.counts.pairs, 0);
  assert.equal(summary.methods['endorm']!.accuracy, null);
  assert.ok(summary.notes.some((n) => n.includes('scores.jsonl is missing')));
  await rm_(dir);
});

test('missing folder, missing run.json and a broken run.json are clear errors naming the path', async () => {
  const dir = await tempDir();
  await assert.rejects(summarizeRun(join(dir, 'nope')), (e: unknown) => e instanceof RunFolderError && e.message.includes(join(dir, 'nope')));
  await assert.rejects(summarizeRun(dir), (e: unknown) => e instanceof RunFolderError && /no run\.json/.test(e.message) && e.message.includes(dir));
  await writeFile(join(dir, 'run.json'), '{"model":');
  await assert.rejects(summarizeRun(dir), /run\.json is not valid JSON/);
  await writeFile(join(dir, 'run.json'), '{}');
  await assert.rejects(summarizeRun(dir), /not an endorm run manifest/);
  await rm_(dir);
});

function rm_(dir: string): Promise<void> {
  return rm(dir, { recursive: true });
}

test('the summary does not depend on the order of the lines in scores.jsonl (batches, resumes and shards reorder them)', async () => {
  const [a, b] = [await tempDir(), await tempDir()];
  await writeSyntheticRun(a, { records: 40 });
  await writeSyntheticRun(b, { records: 40 });
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(join(b, 'scores.jsonl'), 'utf8')).trimEnd().split('\n');
  // Records reversed, each record's lines kept together, as another batch order writes them.
  const byPair = new Map<string, string[]>();
  for (const line of lines) {
    const key = JSON.parse(line).pair as string;
    byPair.set(key, [...(byPair.get(key) ?? []), line]);
  }
  await writeFile(join(b, 'scores.jsonl'), [...byPair.values()].reverse().flat().join('\n') + '\n');
  const [x, y] = [await summarizeRun(a), await summarizeRun(b)];
  const endorm = x.methods['endorm']!;
  const accuracy = endorm.accuracy!;
  assert.ok(accuracy > 0.3 && accuracy < 0.95 && endorm.ci95![0] < accuracy, 'a non-trivial interval');
  assert.deepEqual(y.methods, x.methods);
  await rm(a, { recursive: true });
  await rm(b, { recursive: true });
});
