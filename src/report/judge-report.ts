import type { PositionStats } from '../benchmarks/judge-stats.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { DASH, escapeHtml, integer, mdCode, percent, shortHash } from '../render/format.js';
import { card } from '../render/html-page.js';

/** What run.json says about one judge (settings.judges[spec], written by score-run). */
interface JudgeSettingsView {
  prompt?: string;
  sha256?: string;
  answerPrefix?: string;
}

/** One LLM-as-a-judge method of a run: its prompt, and for a pairwise judge how it treats position. */
export interface JudgeRow {
  spec: string;
  prompt: string | null;
  sha256: string | null;
  answerPrefix: string | null;
  truncated: number;
  position: PositionStats | null;
}

/** The run's judges: methods run.json lists under settings.judges, and any method with position statistics. */
export function judgeRows(summary: RunSummary): JudgeRow[] {
  const settings = (summary.settings.judges ?? {}) as Record<string, JudgeSettingsView>;
  const rows: JudgeRow[] = [];
  for (const [spec, m] of Object.entries(summary.methods)) {
    const s = settings[spec];
    if (!s && !m.position) continue;
    rows.push({
      spec,
      prompt: s?.prompt ?? null,
      sha256: s?.sha256 ?? null,
      answerPrefix: s?.answerPrefix ?? null,
      truncated: m.truncatedPrompts ?? 0,
      position: m.position ?? null,
    });
  }
  return rows;
}

export const JUDGE_EXPLANATION =
  'The same model asked to judge; the verdict is read from its next-token probabilities after the answer prefix, never sampled. ' +
  'A pairwise judge sees every pair in both orders and each order counts as a comparison (so 50% is what a judge that always picks one position gets). ' +
  'Consistency: share of pairs where both orders pick the same response; first-/second-position bias: share where both orders pick the response shown first / second; ' +
  'picks A: share of all judgements that pick the first position. McNemar tests a pairwise judge by the verdict of its mean over both orders. ' +
  'Truncated: score lines whose judge prompt had its responses cut to --max-length (the instruction is never cut).';

/** report.md's judge section: prompt file and hash per judge, position consistency and bias for pairwise judges. */
export function judgeMarkdown(summary: RunSummary): string[] {
  const rows = judgeRows(summary);
  if (rows.length === 0) return [];
  const out = ['## Judges', '', JUDGE_EXPLANATION, ''];
  out.push('| Judge | Prompt | sha256 | Answer prefix | Truncated | Consistency % | First-position bias % | Second-position bias % | Picks A % |');
  out.push('|---|---|---|---|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    const p = r.position;
    out.push(
      `| ${mdCode(r.spec)} | ${r.prompt ? mdCode(r.prompt) : DASH} | ${r.sha256 ? `\`${shortHash(r.sha256)}\`` : DASH} | ${r.answerPrefix !== null ? mdCode(r.answerPrefix) : DASH} | ${integer(r.truncated)} | ${percent(p?.consistency)} | ${percent(p?.firstPositionBias)} | ${percent(p?.secondPositionBias)} | ${percent(p?.firstPositionRate)} |`,
    );
  }
  out.push('');
  return out;
}

/**
 * report.html's judge card (empty when the run has no judge). Its eight columns must fit the page's card (checked in
 * Chromium by render-in-chromium.test.ts): the prompt's hash goes under its file name, and long heads may wrap.
 */
export function judgeHtml(summary: RunSummary): string {
  const rows = judgeRows(summary);
  if (rows.length === 0) return '';
  const code = (s: string | null) => (s === null ? DASH : `<code>${escapeHtml(s)}</code>`);
  const body = rows.map((r) => {
    const p = r.position;
    const prompt = `${code(r.prompt)}${r.sha256 ? `<br><span class="ci">sha256 ${escapeHtml(shortHash(r.sha256))}</span>` : ''}`;
    return `<tr><td><code>${escapeHtml(r.spec)}</code></td><td>${prompt}</td><td>${code(r.answerPrefix)}</td><td class="num">${integer(r.truncated)}</td><td class="num">${percent(p?.consistency)}</td><td class="num">${percent(p?.firstPositionBias)}</td><td class="num">${percent(p?.secondPositionBias)}</td><td class="num">${percent(p?.firstPositionRate)}</td></tr>`;
  });
  return card(
    'Judges',
    `<div class="table-wrap"><table class="fit"><thead><tr><th>Judge</th><th>Prompt</th><th>Answer prefix</th><th class="num">Truncated</th><th class="num">Consistency %</th><th class="num">First-position bias %</th><th class="num">Second-position bias %</th><th class="num">Picks A %</th></tr></thead><tbody>${body.join('\n')}</tbody></table></div>`,
    escapeHtml(JUDGE_EXPLANATION),
  );
}
