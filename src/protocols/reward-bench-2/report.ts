import type { MethodSummary, RunSummary } from '../../benchmarks/method-summary.js';
import type { DifficultyColumns, SummaryRow } from '../../benchmarks/summary-row.js';
import { escapeHtml, integer, mdCell, mdCode, percent, percentCi } from '../../render/format.js';
import { card } from '../../render/html-page.js';
import { SUBSETS, UPSTREAM_COMMIT } from './constants.js';
import { rewardBench2Of, type RewardBench2Summary } from './summary.js';

/** How the numbers are made, for report.md and the HTML card. */
export const METHOD_TEXT =
  `As allenai/reward-bench scores it (scripts/run_v2.py at ${UPSTREAM_COMMIT.slice(0, 7)}): in Factuality, Precise IF, Math, Safety and Focus a prompt counts 1 when its correct completion scores above all three incorrect ones, 1/k when it ties k-way for the top, 0 otherwise (a NaN score loses). Ties is process_single_model's weighted score: 30% accuracy on tied prompts, 30% on reference prompts, 20% + 20% for margins between correct and incorrect answers that exceed the spread among correct ones, 1% a tanh tie-breaker. The score is the unweighted mean of the six subsets, as the leaderboard averages them, and is given only when all six have records.`;

type Methods = [string, RewardBench2Summary][];

function methodsOf(summary: Pick<RunSummary, 'methods'>): Methods {
  return Object.entries(summary.methods).flatMap(([spec, m]) => {
    const rb = rewardBench2Of(m);
    return rb ? [[spec, rb] as [string, RewardBench2Summary]] : [];
  });
}

function subsetNames(methods: Methods): string[] {
  return [...SUBSETS, ...new Set(methods.flatMap(([, rb]) => rb.unknownSubsets).sort())];
}

function cell(rb: RewardBench2Summary, subset: string): { score: number | null; ci95: [number, number] | null; records: number } | undefined {
  return rb.subsets.find((s) => s.subset === subset);
}

function withCi(value: number | null, ci: [number, number] | null | undefined): string {
  return ci ? `${percent(value)} (${percentCi(ci)})` : percent(value);
}

/** The run's notes: subsets without records, subsets RewardBench 2 does not have, Ties left to per-response methods. */
export function rewardBench2Notes(methods: Readonly<Record<string, MethodSummary>>): string[] {
  const counted = methodsOf({ methods }).filter(([spec]) => methods[spec]!.pairs > 0);
  const notes: string[] = [];
  const missing = counted.find(([, rb]) => rb.missingSubsets.length > 0);
  if (missing) {
    notes.push(`RewardBench 2: no records in ${missing[1].missingSubsets.join(', ')}, so there is no overall score (the leaderboard's is the mean of all six subsets).`);
  }
  const unknown = counted.find(([, rb]) => rb.unknownSubsets.length > 0);
  if (unknown) {
    notes.push(`RewardBench 2: subset(s) ${unknown[1].unknownSubsets.map((s) => JSON.stringify(s)).join(', ')} are not RewardBench 2's: their scores are listed, the overall score leaves them out.`);
  }
  for (const [spec, rb] of counted) {
    if (rb.unscoredTies > 0) {
      notes.push(`RewardBench 2: ${spec} is a pairwise judge: its ${rb.unscoredTies} Ties record(s) have no score, since Ties' margins need a score per response (use judge-pointwise or verifier for Ties).`);
    }
  }
  return notes;
}

/** report.md's RewardBench 2 section: the six subsets and the score per method, then Ties' parts. */
export function rewardBench2Markdown(summary: RunSummary): string[] {
  const methods = methodsOf(summary);
  if (methods.length === 0) return [];
  const names = subsetNames(methods);
  const out = ['## RewardBench 2', '', METHOD_TEXT, ''];
  out.push(`| Method | ${names.map(mdCell).join(' | ')} | Score |`, `|---|${names.map(() => '--:').join('|')}|--:|`);
  for (const [spec, rb] of methods) {
    const cells = names.map((s) => {
      const c = cell(rb, s);
      return c ? withCi(c.score, c.ci95) : 'missing';
    });
    out.push(`| ${mdCode(spec)} | ${cells.join(' | ')} | **${percent(rb.overall)}**${rb.ci95 ? ` (${percentCi(rb.ci95)})` : ''} |`);
  }
  out.push(
    '',
    "Each score with its 95% CI: percentile bootstrap, records resampled within each subset (Ties by prompt, a prompt's ref and tied records drawn together; 1000 resamples, fixed seed).",
    '',
  );
  const withTies = methods.filter(([, rb]) => rb.ties);
  if (withTies.length > 0) {
    out.push('### Ties', '', '| Method | Ref accuracy | Tied accuracy | Correctness preferred | Preferred (hard) | Margin term | Prompts (ref / tied / both) |', '|---|--:|--:|--:|--:|--:|--:|');
    for (const [spec, rb] of withTies) {
      const t = rb.ties!;
      out.push(
        `| ${mdCode(spec)} | ${percent(t.refAccuracy)} | ${percent(t.tiedAccuracy)} | ${percent(t.correctnessPreferred)} | ${percent(t.correctnessPreferredHard)} | ${t.marginScore.toFixed(3)} | ${t.refPrompts} / ${t.tiedPrompts} / ${t.pairedPrompts} |`,
      );
    }
    out.push('');
  }
  return out;
}

/** report.html's RewardBench 2 card: a table of the six subsets and the score. */
export function rewardBench2Card(summary: RunSummary): string | undefined {
  const methods = methodsOf(summary);
  if (methods.length === 0) return undefined;
  const names = subsetNames(methods);
  const head = `<tr><th>Method</th>${names.map((s) => `<th class="num">${escapeHtml(s)}</th>`).join('')}<th class="num">Score</th></tr>`;
  const rows = methods
    .map(([spec, rb]) => {
      const cells = names.map((s) => {
        const c = cell(rb, s);
        return c ? `<td class="num">${percent(c.score)}${c.ci95 ? ` <span class="ci">${percentCi(c.ci95)}</span>` : ''} <span class="ci">n=${integer(c.records)}</span></td>` : '<td class="num missing">missing</td>';
      });
      return `<tr><td><code>${escapeHtml(spec)}</code></td>${cells.join('')}<td class="num"><strong>${percent(rb.overall)}</strong>${rb.ci95 ? ` <span class="ci">${percentCi(rb.ci95)}</span>` : ''}</td></tr>`;
    })
    .join('\n');
  return card('RewardBench 2', `<div class="table-wrap"><table class="fit"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`, escapeHtml(METHOD_TEXT));
}

/** report.csv and comparison rows of one method: the score as its average, one row per subset. */
export function rewardBench2Rows(method: string, m: MethodSummary): { split: DifficultyColumns; sections: SummaryRow[] } | undefined {
  const rb = rewardBench2Of(m);
  if (!rb) return undefined;
  const sections = subsetNames([[method, rb]]).map((name): SummaryRow => {
    const c = cell(rb, name);
    return {
      method,
      scope: 'domain',
      name,
      accuracy: c?.score ?? null,
      ci95: c?.ci95 ?? null,
      pairs: c?.records ?? 0,
      comparisons: c ? c.records : null,
      correct: null,
      ties: null,
      easy: null,
      normal: null,
      hard: null,
      average: c?.score ?? null,
      vsReference: null,
      note: c ? '' : 'no records in this run',
    };
  });
  return { split: { easy: null, normal: null, hard: null, average: rb.overall }, sections };
}
