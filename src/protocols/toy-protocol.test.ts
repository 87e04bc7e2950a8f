import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { scoreRun } from '../api/score-run.js';
import type { RecordOutcome } from '../benchmarks/cells.js';
import type { MethodSummary } from '../benchmarks/method-summary.js';
import { fieldNames, recordToPair } from '../datasets/field-mapping.js';
import { InputError } from '../datasets/input-error.js';
import { readJsonlRecords } from '../datasets/jsonl-reader.js';
import { fileSha256, guarded } from '../datasets/open-dataset.js';
import type { Pair } from '../datasets/pair.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeComparisonReports } from '../report/write-comparison-reports.js';
import { STORIES, tempCacheDir } from '../testing/shared-models.js';
import { openBenchmarkDataset } from './open-benchmark.js';
import type { BenchmarkProtocol } from './protocol.js';
import { datasetFormats, protocolOfKind, registerProtocol } from './registry.js';

/**
 * A made-up benchmark, "debate": JSON Lines records {topic, claim, strong, weak}, the strong argument preferred. It is
 * registered from this file alone, and must then be recognised by its records' fields, read, recorded in run.json,
 * summarised under its own key and reported in its own sections, with no edit to any core file.
 */
interface DebateSummary {
  /** Records the method judged right, per topic. */
  topics: Record<string, { right: number; records: number }>;
  share: number | null;
}

const debateOf = (m: MethodSummary) => (m as MethodSummary & { debate?: DebateSummary }).debate;
const isDebateRecord = (value: unknown) => typeof value === 'object' && value !== null && ['topic', 'claim', 'strong', 'weak'].every((k) => k in value);

const debate: BenchmarkProtocol = {
  name: 'debate',
  label: 'Debate',
  describe: 'debate file',
  formats: ['debate'],
  recognises: async (input) => input.format === 'debate' || (input.format === 'auto' && !input.isFolder && isDebateRecord(await input.firstRecord())),
  async open(input, options) {
    const mapping = { fields: fieldNames({ promptField: 'claim', chosenField: 'strong', rejectedField: 'weak', groupField: 'topic' }) };
    async function* pairs(): AsyncGenerator<Pair | InputError> {
      for await (const item of readJsonlRecords(input.path, input.spec)) yield item instanceof InputError ? item : recordToPair(item, mapping);
    }
    return { name: 'debate', kind: 'debate', path: input.path, files: [input.path], sha256: await fileSha256(input.path), pairs: () => guarded(pairs(), options, input.spec) };
  },
  async datasetFacts(dataset) {
    const topics = new Set<string>();
    for await (const pair of dataset.pairs()) topics.add(pair.group!);
    return { topics: [...topics].sort() };
  },
  shape: { chosen: 1, rejected: 1 },
  sections: ['animals', 'family'],
  sectionScore: (m, topic) => {
    const t = debateOf(m)?.topics[topic];
    return t ? t.right / t.records : undefined;
  },
  summary: {
    key: 'debate',
    summarize(records: readonly RecordOutcome[]): DebateSummary {
      const topics: DebateSummary['topics'] = {};
      for (const r of records) {
        const t = (topics[r.group!] ??= { right: 0, records: 0 });
        t.records++;
        if (r.cells[0]!.correct) t.right++;
      }
      const right = Object.values(topics).reduce((n, t) => n + t.right, 0);
      return { topics, share: records.length ? right / records.length : null };
    },
  },
  notes: (methods) => [`Debate: ${Object.keys(methods).length} method(s) over ${Object.keys(Object.values(methods).map(debateOf)[0]?.topics ?? {}).length} topics.`],
  headline: { title: 'Debate win share', short: 'Debate share', row: 'average', value: (m) => debateOf(m)?.share },
  report: {
    markdown: (summary) => ['## Debate', '', ...Object.entries(summary.methods).map(([spec, m]) => `- ${spec}: ${debateOf(m)?.share}`), ''],
    html: (summary) => ({ html: `<section class="card" id="debate">${Object.keys(summary.methods).join(', ')}</section>`, folded: 'Debate card' }),
    rows: (method, m) => {
      const d = debateOf(m);
      if (!d) return undefined;
      const sections = Object.entries(d.topics).map(([topic, t]) => ({
        method, scope: 'domain' as const, name: topic, accuracy: t.right / t.records, ci95: null, pairs: t.records, comparisons: t.records,
        correct: t.right, ties: null, easy: null, normal: null, hard: null, average: t.right / t.records, vsReference: null, note: '',
      }));
      return { split: { easy: null, normal: null, hard: null, average: d.share }, sections };
    },
    sectionLabel: (topic) => `Debate topic ${topic}`,
    splitLabel: (split) => `Debate ${split}`,
    comparisonNote: 'Debate rows are topics.',
  },
};

let unregister: () => void;
let work: string;
before(() => {
  unregister = registerProtocol(debate);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-debate-'));
});
after(() => {
  unregister();
  fs.rmSync(work, { recursive: true, force: true });
});

test('a protocol registered from outside the core reads, scores, summarises and reports its own benchmark', async () => {
  const stories = fs.readFileSync('datasets/stories-sample.jsonl', 'utf8').trim().split('\n').slice(0, 6).map((l) => JSON.parse(l));
  const file = path.join(work, 'arguments.jsonl');
  fs.writeFileSync(file, stories.map((s, i) => JSON.stringify({ topic: i % 2 ? 'family' : 'animals', claim: s.prompt, strong: s.chosen, weak: s.rejected })).join('\n') + '\n');

  assert.ok(datasetFormats().includes('debate'));
  const opened = await openBenchmarkDataset(file);
  assert.equal(opened.protocol, debate, 'recognised by its records, not its name');
  assert.equal(opened.dataset.kind, 'debate');

  const out = path.join(work, 'run');
  const base = { model: STORIES, dtype: 'fp32', template: 'none' as const, scoreEot: true, batchSize: 8, maxBatchTokens: 4096, cacheDir: tempCacheDir() };
  await scoreRun({ ...base, dataset: file, methods: ['endorm', 'length'], out });
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
  assert.equal(manifest.dataset.kind, 'debate');
  assert.deepEqual(manifest.dataset.topics, ['animals', 'family'], "the protocol's facts, recorded at the start");

  const summary = await summarizeRun(out);
  const endorm = debateOf(summary.methods['endorm']!)!;
  assert.deepEqual(endorm.topics, { animals: { right: 3, records: 3 }, family: { right: 3, records: 3 } });
  assert.equal(endorm.share, 1);
  assert.equal(debateOf(summary.methods['length']!)!.share, 0, 'the scrambled weak argument has the same length: every pair ties');
  assert.ok(summary.notes.includes('Debate: 2 method(s) over 2 topics.'));
  const stored = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  const keys = Object.keys(stored.methods.endorm);
  assert.equal(keys[keys.indexOf('groups') + 1], 'debate', "kept under the protocol's key, after groups");
  assert.equal(stored.methods.endorm.debate.share, 1);

  const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  assert.match(md, /## Debate\n\n- endorm: 1\n- length: 0\n/);
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<section class="card" id="debate">endorm, length<\/section>/);
  const csv = fs.readFileSync(path.join(out, 'report.csv'), 'utf8');
  assert.match(csv, /^endorm,domain,animals,1,,,3,3,3,,,,,1,,,,,$/m);
  assert.match(csv, /^endorm,headline,Debate win share,1,,,6,/m);
  assert.match(csv, /^endorm,overall,pooled,1,[\d.]+,[\d.]+,6,6,6,0,,,,1,/m);

  const compared = path.join(work, 'compare');
  await writeComparisonReports(compared, [summary, summary]);
  const comparison = fs.readFileSync(path.join(compared, 'comparison.md'), 'utf8');
  // The protocol's headline leads the comparison and each method's table, with no code of its own for it.
  assert.match(comparison, /## Debate win share\n\nDebate win share % \(95% CI\)\.\n\n\| Method \|/);
  assert.match(comparison, /\| Debate win share \| 100\.0 \| 100\.0 \|/);
  assert.match(comparison, /\| Debate topic family \| 100\.0 \| 100\.0 \|/);
  const html = fs.readFileSync(path.join(compared, 'comparison.html'), 'utf8');
  assert.match(html, /<h2>Debate win share<\/h2>/);
  assert.match(html, /Accuracy % with 95% bootstrap CI; Debate rows are topics\./);
});

test('a kind no registered protocol owns is summarised as plain pairs', () => {
  unregister();
  assert.equal(protocolOfKind('debate').name, 'pairs');
  unregister = registerProtocol(debate);
  assert.equal(protocolOfKind('debate'), debate);
  assert.throws(() => registerProtocol({ ...debate }), /already registered/);
});
