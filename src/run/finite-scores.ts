import { ModelError } from '../model/model-errors.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { scoresPath } from '../run-store/scores-file.js';

/**
 * A method with lines in scores.jsonl but not one finite score among them is a model that returned nothing usable
 * (NaN/Inf everywhere: damaged weights, a broken export), not a result: the run fails (exit 4) instead of writing a
 * summary that counts as complete, and a resume fails the same way until the model is fixed.
 */
export async function refuseMethodsWithoutScores(runDir: string, methods: readonly string[], graph?: string): Promise<void> {
  const lines = new Map<string, number>();
  const finite = new Map<string, number>();
  await readScoreLines(scoresPath(runDir), (record) => {
    for (const [spec, value] of Object.entries(record.scores)) {
      lines.set(spec, (lines.get(spec) ?? 0) + 1);
      if (typeof value === 'number' && Number.isFinite(value)) finite.set(spec, (finite.get(spec) ?? 0) + 1);
    }
  });
  const empty = methods.filter((m) => (lines.get(m) ?? 0) > 0 && !finite.has(m));
  if (empty.length === 0) return;
  throw new ModelError(
    `${empty.join(', ')}: none of ${Math.max(...empty.map((m) => lines.get(m)!))} score(s) in ${scoresPath(runDir)} is a finite number: ` +
      `the model returned NaN/Inf${graph ? ` (scoring graph ${graph})` : ''}: damaged weights? The run is not finished; fix the model and score again`,
  );
}
