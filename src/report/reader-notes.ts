import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { headlineOf } from '../protocols/headline.js';
import { protocolOfKind } from '../protocols/registry.js';
import { integer, percent, percentCi, pValue } from '../render/format.js';
import { accuracyGrid } from './grid-table.js';

/** A judge that lost more than this share of its prompts to --max-length is judging other text: a warning. */
export const JUDGE_CUT_WARNING = 0.1;

/** A console line: `warning` ones are printed as `endorm: warning: …`. */
export interface ReaderNote {
  level: 'note' | 'warning';
  text: string;
}

/**
 * What a careful reader of a run's numbers must know and the reports alone would tell only further down: what the
 * headline leaves out (RM-Bench without math), how much of each method's input was cut to --max-length, the template
 * `--template auto` chose, the `--select-on` outcome, and a sweep's headline over α × γ. `askedTemplate` is the
 * --template given (run.json records only the one used).
 */
export function readerNotes(summary: RunSummary, o: { askedTemplate?: string } = {}): ReaderNote[] {
  return [...missingNotes(summary), ...cutNotes(summary), ...templateNotes(summary, o.askedTemplate), ...selectionNotes(summary), ...gridNotes(summary)];
}

function missingNotes(summary: RunSummary): ReaderNote[] {
  const headline = headlineOf(protocolOfKind(summary.dataset.kind));
  if (!headline.missing) return [];
  const bySentence = new Map<string, string[]>();
  for (const [spec, m] of Object.entries(summary.methods)) {
    const missing = m.pairs > 0 ? headline.missing(m) : undefined;
    if (missing) bySentence.set(missing, [...(bySentence.get(missing) ?? []), spec]);
  }
  const all = Object.values(summary.methods).filter((m) => m.pairs > 0).length;
  return [...bySentence].map(([missing, specs]) => ({
    level: 'warning' as const,
    text: `${headline.title}${specs.length === all ? '' : ` of ${specs.join(', ')}`} covers ${missing}; not comparable with the full benchmark's`,
  }));
}

function cutNotes(summary: RunSummary): ReaderNote[] {
  const cut = Object.entries(summary.methods).filter((entry): entry is [string, MethodSummary & { cutInputs: NonNullable<MethodSummary['cutInputs']> }] => entry[1].cutInputs !== undefined);
  if (cut.length === 0) return [];
  const judge = (m: MethodSummary) => m.truncatedPrompts !== undefined;
  const share = (c: { inputs: number; cut: number }) => c.cut / c.inputs;
  // A sweep's cells read the same responses: methods with the same count share one entry.
  const byCount = new Map<string, string[]>();
  for (const [spec, m] of cut) {
    const text = `${percent(share(m.cutInputs))}% (${integer(m.cutInputs.cut)} of ${integer(m.cutInputs.inputs)} ${judge(m) ? 'prompts' : 'inputs'})`;
    byCount.set(text, [...(byCount.get(text) ?? []), spec]);
  }
  const shares = [...byCount].map(([text, specs]) => `${specs.length > 3 ? `${specs.length} methods (${specs[0]} … ${specs[specs.length - 1]})` : specs.join(', ')} ${text}`);
  const notes: ReaderNote[] = [{ level: 'note', text: `inputs cut to --max-length ${summary.settings.maxLength}: ${shares.join(', ')}` }];
  for (const [spec, m] of cut) {
    if (judge(m) && share(m.cutInputs) > JUDGE_CUT_WARNING) {
      notes.push({
        level: 'warning',
        text: `${spec} lost ${percent(share(m.cutInputs))}% of its prompts to --max-length ${summary.settings.maxLength} (${integer(m.cutInputs.cut)} of ${integer(m.cutInputs.inputs)}): its verdicts are on cut responses; raise --max-length`,
      });
    }
  }
  return notes;
}

function templateNotes(summary: RunSummary, asked: string | undefined): ReaderNote[] {
  if (asked !== 'auto') return [];
  const used = summary.settings.template;
  const why = used === 'chat' ? "the tokenizer has a chat template" : 'the tokenizer has no chat template: prompt and response are plain text';
  return [{ level: 'note', text: `--template auto chose ${used} (${why})` }];
}

function selectionNotes(summary: RunSummary): ReaderNote[] {
  const s = summary.selection;
  if (!s) return [];
  const part = (p: { value: number | null; ci95: [number, number] | null }) => `${percent(p.value)}%${p.ci95 ? ` [${percentCi(p.ci95)}]` : ''}`;
  const chosen = `picked α = ${s.chosen.alpha}, γ = ${s.chosen.gamma} on ${integer(s.records.selection)} records (${part(s.chosen.selection)})`;
  const held = `held out (${integer(s.records.heldOut)} records): ${s.measure} ${part(s.chosen.heldOut)}`;
  const versus = !s.default
    ? '; the run has no default setting (α = 1, γ = 1) to compare with'
    : s.default.spec === s.chosen.spec
      ? ' (the default setting)'
      : ` vs the default ${s.default.spec} ${part(s.default.heldOut)}${s.pairedTest ? `, McNemar p = ${pValue(s.pairedTest.pValue)}` : ''}`;
  return [{ level: 'note', text: `--select-on dev:${s.fraction}: ${chosen}; ${held}${versus}` }];
}

/** The headline over the grid, α down and γ across: default setting marked *, the --select-on pick †. */
function gridNotes(summary: RunSummary): ReaderNote[] {
  const grid = accuracyGrid(summary);
  if (!grid) return [];
  const panel = grid.panels[0]!;
  const hasDefault = grid.alphas.includes(1) && grid.gammas.includes(1);
  const mark = (a: number, g: number) => (grid.selection?.chosen.alpha === a && grid.selection.chosen.gamma === g ? '†' : '') + (a === 1 && g === 1 ? '*' : '');
  const width = Math.max(6, ...grid.gammas.map((g) => String(g).length + 1));
  const head = `${'α \\ γ'.padStart(7)}${grid.gammas.map((g) => String(g).padStart(width + 2)).join('')}`;
  const rows = panel.values.map((row, i) => `${String(grid.alphas[i]).padStart(7)}${row.map((v, j) => `${percent(v)}${mark(grid.alphas[i]!, grid.gammas[j]!)}`.padStart(width + 2)).join('')}`);
  const legend = [hasDefault ? '* default setting' : '', grid.selection ? '† picked by --select-on' : ''].filter(Boolean).join(', ');
  return [{ level: 'note', text: `${panel.label} over α × γ (%${legend ? `; ${legend}` : ''}):\n${[head, ...rows].map((l) => `  ${l}`).join('\n')}` }];
}
