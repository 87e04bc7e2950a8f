import { cellJudgements, methodCells, type Cell, type Shape } from '../benchmarks/cells.js';
import { ScoreRecordStore, type MethodKind, type PairScores } from '../benchmarks/record-store.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { scoresPath } from '../run-store/scores-file.js';

/** How one method judged one record: its cells (RM-Bench: the 3 × 3 chosen × rejected matrix) and how many were right. */
export interface MethodVerdict {
  method: string;
  kind: MethodKind;
  cells: Cell[];
  /** Judgements right / made (a pairwise judge makes two per cell, one per order; a tie is never right). */
  right: number;
  total: number;
  ties: number;
}

/** Every record's score lines of a run, by key (later lines win, as in every reader of scores.jsonl). */
export async function readRunRecords(run: string): Promise<{ records: PairScores[]; kinds: Map<string, MethodKind> }> {
  const store = new ScoreRecordStore();
  await readScoreLines(scoresPath(run), (line) => store.add(line));
  return { records: [...store.pairs()], kinds: store.methodKinds() };
}

/** The verdict of each method on one record, in the run's method order; a method with a score missing is left out. */
export function recordVerdicts(record: PairScores, kinds: Map<string, MethodKind>, shape?: Shape): MethodVerdict[] {
  const verdicts: MethodVerdict[] = [];
  for (const [method, kind] of kinds) {
    const cells = methodCells(record, method, kind, shape);
    if (!cells) continue;
    let right = 0;
    let total = 0;
    let ties = 0;
    for (const cell of cells) {
      const j = cellJudgements(cell);
      right += j.correct;
      total += j.total;
      ties += j.ties;
    }
    verdicts.push({ method, kind, cells, right, total, ties });
  }
  return verdicts;
}

/** `✓` right, `✗` wrong, `=` a tie (never right). */
function mark(p: { correct: boolean; tie: boolean }): string {
  return p.tie ? '=' : p.correct ? '✓' : '✗';
}

function orderMark(p: number): string {
  return p === 0.5 ? '=' : p > 0.5 ? '✓' : '✗';
}

/** One line per judgement summary: "3/3 right" for a plain pair, "7/9 right" for RM-Bench, "1/2 right" for a judge. */
export function verdictSummary(v: MethodVerdict): string {
  return `${v.right}/${v.total} right${v.ties ? `, ${v.ties} tie${v.ties > 1 ? 's' : ''}` : ''}`;
}

/**
 * The verdicts as console lines. A one-cell record says which response won, with both scores (a judge: P(chosen wins)
 * with the chosen response shown first, then second). A record with several styles (RM-Bench) gets each method's
 * chosen × rejected matrix, a judge's cell showing both orders.
 */
export function verdictLines(record: PairScores, verdicts: MethodVerdict[], label: (index: number) => string | undefined = () => undefined): string[] {
  const width = Math.max(8, ...verdicts.map((v) => v.method.length));
  const summaryWidth = Math.max(0, ...verdicts.map((v) => verdictSummary(v).length));
  const lines: string[] = [];
  for (const v of verdicts) {
    const head = `  ${v.method.padEnd(width)}  ${verdictSummary(v).padEnd(summaryWidth)}  `;
    if (v.cells.length === 1) {
      const cell = v.cells[0]!;
      if (v.kind === 'comparison') {
        const p = record.comparisons.get(`${cell.chosen}:${cell.rejected}`)?.scores[v.method];
        const orders = cell.orders ? `: chosen shown first ${fmt(cell.orders[0])} ${orderMark(cell.orders[0])}, shown second ${fmt(cell.orders[1])} ${orderMark(cell.orders[1])}` : '';
        lines.push(`${head}P(chosen wins) ${fmt(p)}${orders}`);
      } else {
        const c = record.chosen.get(cell.chosen)?.scores[v.method];
        const r = record.rejected.get(cell.rejected)?.scores[v.method];
        lines.push(`${head}${cell.tie ? 'tie' : cell.correct ? 'chosen wins' : 'rejected wins'}: chosen ${fmt(c)} vs rejected ${fmt(r)}`);
      }
      continue;
    }
    lines.push(`${head}${v.kind === 'comparison' ? 'each cell: chosen shown first, then second' : ''}`.trimEnd());
    const rows = Math.max(...v.cells.map((c) => c.chosen)) + 1;
    const cols = Math.max(...v.cells.map((c) => c.rejected)) + 1;
    const name = (i: number) => label(i) ?? `[${i}]`;
    const rowNames = Array.from({ length: rows }, (_, i) => `chosen ${name(i)}`);
    const rowWidth = Math.max('rejected:'.length, ...rowNames.map((n) => n.length));
    const widths = Array.from({ length: cols }, (_, j) => Math.max(name(j).length, v.kind === 'comparison' ? 2 : 1));
    lines.push(`    ${'rejected:'.padStart(rowWidth)}  ${widths.map((w, j) => name(j).padEnd(w)).join('  ')}`.trimEnd());
    for (let i = 0; i < rows; i++) {
      const cells = v.cells.filter((c) => c.chosen === i).sort((a, b) => a.rejected - b.rejected);
      const text = cells.map((c, j) => (c.orders ? `${orderMark(c.orders[0])}${orderMark(c.orders[1])}` : mark(c)).padEnd(widths[j]!)).join('  ');
      lines.push(`    ${rowNames[i]!.padEnd(rowWidth)}  ${text}`.trimEnd());
    }
  }
  return lines;
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return Math.abs(x) >= 1000 ? x.toFixed(1) : x.toFixed(3);
}
