import { pairedRunTest, type RunPairedTest } from '../benchmarks/between-runs.js';
import { methodOutcomes, type RecordOutcome } from '../benchmarks/cells.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
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

/** Every later run against the first, per method both ran: the paired test between runs of comparison reports. */
export function pairedTestsBetweenRuns(outcomes: readonly Map<string, RecordOutcome[]>[]): RunPairedTest[] {
  const tests: RunPairedTest[] = [];
  const baseline = outcomes[0];
  if (!baseline) return tests;
  for (let run = 1; run < outcomes.length; run++) {
    for (const [method, records] of outcomes[run]!) {
      const theirs = baseline.get(method);
      if (theirs) tests.push(pairedRunTest(method, { baseline: 0, run }, theirs, records));
    }
  }
  return tests;
}
