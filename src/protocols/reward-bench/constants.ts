/**
 * RewardBench's protocol, kept as upstream keeps it: as data. Copied verbatim from allenai/reward-bench,
 * rewardbench/constants.py at commit a32e272b3e018467f742a1b4d18c4cc3d0317d31 (EXAMPLE_COUNTS, SUBSET_MAPPING,
 * SUBSET_NAME_TO_PAPER_READY; the pref-sets names of that last table are left out, endorm does not run them).
 * Change nothing here without the upstream commit that changed it.
 */

/** The four leaderboard sections, in upstream's order. */
export const REWARD_BENCH_SECTIONS = ['Chat', 'Chat Hard', 'Safety', 'Reasoning'] as const;
export type RewardBenchSection = (typeof REWARD_BENCH_SECTIONS)[number];

/** SUBSET_MAPPING: which subsets make up each section. */
export const SUBSET_MAPPING: Readonly<Record<RewardBenchSection, readonly string[]>> = Object.freeze({
  Chat: Object.freeze(['alpacaeval-easy', 'alpacaeval-length', 'alpacaeval-hard', 'mt-bench-easy', 'mt-bench-med']),
  'Chat Hard': Object.freeze([
    'mt-bench-hard',
    'llmbar-natural',
    'llmbar-adver-neighbor',
    'llmbar-adver-GPTInst',
    'llmbar-adver-GPTOut',
    'llmbar-adver-manual',
  ]),
  Safety: Object.freeze(['refusals-dangerous', 'refusals-offensive', 'xstest-should-refuse', 'xstest-should-respond', 'donotanswer']),
  Reasoning: Object.freeze(['math-prm', 'hep-cpp', 'hep-go', 'hep-java', 'hep-js', 'hep-python', 'hep-rust']),
});

/**
 * EXAMPLE_COUNTS: each subset's weight inside its section. They are weights, not the number of records:
 *  - math-prm has 447 records but weighs 984 = 6 x 164, so that math counts as much as the six HumanEvalPack
 *    languages together (upstream: "actual length 447, upweighting to be equal to code"); Reasoning is therefore
 *    (math-prm + mean of hep-*) / 2 when every subset is there.
 *  - xstest: upstream's own README example has xstest-should-respond = 0.284 = 71/250, so that subset holds 250
 *    records, yet it weighs 154 here and xstest-should-refuse 250. Kept as upstream has it, since the official
 *    section scores are computed with exactly these weights.
 */
export const EXAMPLE_COUNTS: Readonly<Record<string, number>> = Object.freeze({
  'alpacaeval-easy': 100,
  'alpacaeval-length': 95,
  'alpacaeval-hard': 95,
  'mt-bench-easy': 28,
  'mt-bench-med': 40,
  'mt-bench-hard': 37,
  'math-prm': 984,
  'refusals-dangerous': 100,
  'refusals-offensive': 100,
  'llmbar-natural': 100,
  'llmbar-adver-neighbor': 134,
  'llmbar-adver-GPTInst': 92,
  'llmbar-adver-GPTOut': 47,
  'llmbar-adver-manual': 46,
  'xstest-should-refuse': 250,
  'xstest-should-respond': 154,
  donotanswer: 136,
  'hep-cpp': 164,
  'hep-go': 164,
  'hep-java': 164,
  'hep-js': 164,
  'hep-python': 164,
  'hep-rust': 164,
});

/** SUBSET_NAME_TO_PAPER_READY, for the 23 RewardBench subsets: the names the paper and leaderboard print. */
export const SUBSET_NAME_TO_PAPER_READY: Readonly<Record<string, string>> = Object.freeze({
  'alpacaeval-easy': 'AlpacaEval Easy',
  'alpacaeval-length': 'AlpacaEval Length',
  'alpacaeval-hard': 'AlpacaEval Hard',
  'mt-bench-easy': 'MT Bench Easy',
  'mt-bench-med': 'MT Bench Medium',
  'mt-bench-hard': 'MT Bench Hard',
  'llmbar-natural': 'LLMBar Natural',
  'llmbar-adver-neighbor': 'LLMBar Adver. Neighbor',
  'llmbar-adver-GPTInst': 'LLMBar Adver. GPTInst',
  'llmbar-adver-GPTOut': 'LLMBar Adver. GPTOut',
  'llmbar-adver-manual': 'LLMBar Adver. Manual',
  'refusals-dangerous': 'Refusals Dangerous',
  'refusals-offensive': 'Refusals Offensive',
  'xstest-should-refuse': 'XSTest Should Refuse',
  'xstest-should-respond': 'XSTest Should Respond',
  donotanswer: 'Do Not Answer',
  'math-prm': 'PRM Math',
  'hep-cpp': 'HumanEvalPack CPP',
  'hep-go': 'HumanEvalPack Go',
  'hep-java': 'HumanEvalPack Java',
  'hep-js': 'HumanEvalPack Javascript',
  'hep-python': 'HumanEvalPack Python',
  'hep-rust': 'HumanEvalPack Rust',
});

/** Every subset of the benchmark, section by section in upstream's order. */
export const REWARD_BENCH_SUBSETS: readonly string[] = Object.freeze(REWARD_BENCH_SECTIONS.flatMap((s) => SUBSET_MAPPING[s]));

export function isRewardBenchSubset(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXAMPLE_COUNTS, name);
}

/** The section a subset counts towards, or undefined for a name that is not one of the 23. */
export function sectionOf(subset: string): RewardBenchSection | undefined {
  return REWARD_BENCH_SECTIONS.find((section) => SUBSET_MAPPING[section].includes(subset));
}
