import type { RunSummary } from '../benchmarks/method-summary.js';
import { namedNumber, numberNames } from '../protocols/headline.js';
import { protocolOfKind } from '../protocols/registry.js';
import { checkAccuracyGates, type AccuracyGate, type GateResult } from '../run/fail-under.js';

/**
 * `--fail-under` against a finished run: each gate reads the number it names from the run's protocol (its headline
 * unless the gate names another: `pooled`, a part, a section), so a gate set from a leaderboard number checks that
 * number.
 */
export function checkRunGates(gates: readonly AccuracyGate[], summary: Pick<RunSummary, 'dataset' | 'methods'>): GateResult[] {
  const protocol = protocolOfKind(summary.dataset.kind);
  return checkAccuracyGates(gates, summary.methods, (m, name) => namedNumber(protocol, m, name) ?? { names: numberNames(protocol, m) });
}
