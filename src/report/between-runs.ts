import { pairedRunTest, type RunPairedTest } from '../benchmarks/between-runs.js';
import { methodOutcomes, type RecordOutcome } from '../benchmarks/cells.js';
import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { accuracyStats } from '../benchmarks/accuracy.js';
import { hasOwnHeadline, headlineOf } from '../protocols/headline.js';
import type { BenchmarkProtocol } from '../protocols/protocol.js';
import { ScoreRecordStore } from '../benchmarks/record-store.js';
import { canonicalMethodSpec } from '../methods/canonical-spec.js';
import { protocolOfKind } from '../protocols/registry.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { hasScores, scoresPath } from '../run-store/scores-file.js';

/** Each method's record outcomes in one run, by canonical spec (where two specs of a run are one method, the first). */
export async function runOutcomes(runDir: string, summary: RunSummary): Promise<Map<string, RecordOutcome[]>> {
  const store = new ScoreRecordStore();
  if (await hasScores(runDir)) await readScoreLines(scoresPath(runDir), (line) => store.add(line));
  const kinds = store.methodKinds();
  const shape = protocolOfKind(summary.dataset.kind).shape;
  const pairs = [...store.pairs()];
  const out = new Map<string, RecordOutcome[]>();
  for (const [spec, method] of Object.entries(summary.methods)) {
    const canonical = canonicalMethodSpec(spec);
    if (!out.has(canonical)) out.set(canonical, methodOutcomes(pairs, spec, kinds.get(spec) ?? method.kind, shape));
  }
  return out;
}

/**
 * Every later run against the first, per method both ran: the paired test between runs of comparison reports. With
 * the runs' protocol (when they share one) the test is on the headline's own comparisons, and each run's headline
 * on the records both scored is given beside it.
 */
export function pairedTestsBetweenRuns(outcomes: readonly Map<string, RecordOutcome[]>[], protocol?: BenchmarkProtocol): RunPairedTest[] {
  const tests: RunPairedTest[] = [];
  const baseline = outcomes[0];
  if (!baseline) return tests;
  const own = protocol && hasOwnHeadline(protocol) ? protocol : undefined;
  const counted = (records: readonly RecordOutcome[]) => (own?.headline?.counts ? records.filter((r) => own.headline!.counts!(r.group)) : records);
  for (let run = 1; run < outcomes.length; run++) {
    for (const [method, records] of outcomes[run]!) {
      const theirs = baseline.get(method);
      if (!theirs) continue;
      const mine = counted(records);
      const base = counted(theirs);
      const test = pairedRunTest(method, { baseline: 0, run }, base, mine);
      if (own) {
        const shared = new Set(base.map((r) => r.key));
        const both = new Set(mine.filter((r) => shared.has(r.key)).map((r) => r.key));
        const value = (list: readonly RecordOutcome[]) => headlineOfRecords(own, list.filter((r) => both.has(r.key)));
        test.headline = { title: own.headline!.title, baseline: value(base), run: value(mine) };
      }
      tests.push(test);
    }
  }
  return tests;
}

/** The protocol's headline of one method over these records, as its summary would give it. */
function headlineOfRecords(protocol: BenchmarkProtocol, records: readonly RecordOutcome[]): number | null {
  const m = { ...accuracyStats(records, { resamples: 0 }), kind: 'response', incomplete: 0, groups: {} } as MethodSummary;
  if (protocol.summary) (m as unknown as Record<string, unknown>)[protocol.summary.key] = protocol.summary.summarize(records, { bootstrap: { resamples: 0 } });
  return headlineOf(protocol).value(m) ?? null;
}
