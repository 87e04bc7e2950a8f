/**
 * RewardBench 2's scoring, ported line by line from allenai/reward-bench at UPSTREAM_COMMIT (constants.ts), NaN and
 * ties included: upstream's numbers are the reference, so where Python's and JavaScript's semantics differ (builtin
 * max/min with NaN) Python's are reproduced. Checked against upstream's own functions by upstream-scoring.test.ts.
 */

/**
 * rewardbench/utils.py, reroll_and_score_dataset: a prompt's result from its scores, the correct completion first.
 * `max_val = np.max(scores)` (NaN if any score is NaN); the prompt wins `1 / np.sum(scores == max_val)` when
 * `scores[0] == max_val`, else 0: a correct answer tied k-way for the top wins 1/k, a NaN anywhere loses.
 */
export function rerollResult(scores: readonly number[]): number {
  if (scores.length === 0) throw new RangeError('a prompt without scores');
  const max = scores.some(Number.isNaN) ? Number.NaN : Math.max(...scores);
  if (!(scores[0] === max)) return 0;
  return 1 / scores.filter((s) => s === max).length;
}

/** One Ties record: its id (`ref:N` / `tied:N`), its scores (the correct completions first) and how many are correct. */
export interface TiesSample {
  id: string;
  scores: readonly number[];
  numCorrect: number;
}

/** process_single_model's global metrics, and the weighted score it returns. */
export interface TiesScore {
  score: number;
  refAccuracy: number;
  tiedAccuracy: number;
  correctnessPreferred: number;
  correctnessPreferredHard: number;
  marginScore: number;
  /** Prompts with a ref record, with a tied record, and with both (those the margin terms use). */
  refPrompts: number;
  tiedPrompts: number;
  pairedPrompts: number;
}

interface PromptStats {
  accurate: boolean;
  /** best correct − worst correct; NaN where upstream has None (a single correct answer). */
  differentCorrectMargin: number;
  correctIncorrectMargin: number;
}

/** Python's builtin max/min: the first item, replaced by each later one that compares greater (less). With NaN, order matters. */
function pyMax(values: readonly number[]): number {
  let best = values[0]!;
  for (const v of values.slice(1)) if (v > best) best = v;
  return best;
}
function pyMin(values: readonly number[]): number {
  let best = values[0]!;
  for (const v of values.slice(1)) if (v < best) best = v;
  return best;
}

/** _compute_prompt_stats. */
function promptStats(samples: readonly [boolean, number][]): PromptStats {
  const correct = samples.filter(([c]) => c).map(([, s]) => s);
  const incorrect = samples.filter(([c]) => !c).map(([, s]) => s);
  if (correct.length === 0 || incorrect.length === 0) throw new RangeError('a Ties prompt needs a correct and an incorrect completion');
  const bestCorrect = pyMax(correct);
  const worstCorrect = pyMin(correct);
  const bestIncorrect = pyMax(incorrect);
  const correctIncorrectMargin = worstCorrect - bestIncorrect;
  return {
    accurate: correctIncorrectMargin > 0,
    differentCorrectMargin: correct.length > 1 ? bestCorrect - worstCorrect : Number.NaN,
    correctIncorrectMargin,
  };
}

const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * process_single_model: 0.30 · tied accuracy + 0.30 · ref accuracy + 0.20 · correctness preferred + 0.20 · correctness
 * preferred (hard) + 0.01 · the tanh tie-breaker, the margin terms over prompts that have both a ref and a tied record.
 */
export function tiesScore(samples: readonly TiesSample[]): TiesScore {
  // grouped_samples: keyed by (sample_type, int(prompt_id)); a key seen twice pools its samples, as upstream does.
  const grouped = new Map<string, { kind: string; prompt: number; samples: [boolean, number][] }>();
  for (const sample of samples) {
    const [kind, promptText, ...rest] = sample.id.split(':');
    if (promptText === undefined || rest.length > 0 || !/^\d+$/.test(promptText)) throw new RangeError(`Ties id ${JSON.stringify(sample.id)} is not TYPE:N`);
    const prompt = Number(promptText);
    const key = `${kind}\u0000${prompt}`;
    let group = grouped.get(key);
    if (!group) grouped.set(key, (group = { kind: kind!, prompt, samples: [] }));
    sample.scores.forEach((score, i) => group!.samples.push([i < sample.numCorrect, score]));
  }
  const ref = new Map<number, PromptStats>();
  const tied = new Map<number, PromptStats>();
  for (const group of grouped.values()) (group.kind === 'ref' ? ref : tied).set(group.prompt, promptStats(group.samples));

  const accuracy = (stats: Map<number, PromptStats>) => (stats.size > 0 ? mean([...stats.values()].map((s) => (s.accurate ? 1 : 0))) : 0);
  const refAccuracy = accuracy(ref);
  const tiedAccuracy = accuracy(tied);

  const both = [...ref.keys()].filter((p) => tied.has(p)).sort((a, b) => a - b);
  const diff = both.map((p) => tied.get(p)!.differentCorrectMargin);
  const corrIncorrectTies = both.map((p) => tied.get(p)!.correctIncorrectMargin);
  const corrIncorrectRef = both.map((p) => ref.get(p)!.correctIncorrectMargin);
  // np.minimum and Math.min both propagate NaN.
  const hardest = both.map((_, i) => Math.min(corrIncorrectRef[i]!, corrIncorrectTies[i]!));
  const correctnessPreferred = mean(both.map((_, i) => (corrIncorrectTies[i]! > diff[i]! ? 1 : 0)));
  const correctnessPreferredHard = mean(both.map((_, i) => (hardest[i]! > diff[i]! ? 1 : 0)));
  // np.tanh(x / diff - 1) with x / 0 = ±inf (tanh ±1) and 0 / 0 = NaN; np.nan_to_num(nan=0.0).
  const marginScore = mean(
    both.map((_, i) => {
      const t = Math.tanh(hardest[i]! / diff[i]! - 1);
      return Number.isNaN(t) ? 0 : t;
    }),
  );
  const score = 0.3 * tiedAccuracy + 0.3 * refAccuracy + 0.2 * correctnessPreferred + 0.2 * correctnessPreferredHard + 0.01 * marginScore;
  return { score, refAccuracy, tiedAccuracy, correctnessPreferred, correctnessPreferredHard, marginScore, refPrompts: ref.size, tiedPrompts: tied.size, pairedPrompts: both.length };
}
