import { promptText, type ListedRecord, type ShownPair } from './show-pair.js';
import { meanShare, tokenShare, shadeScale } from './token-shares.js';

/** How much of a prompt and of each response the compact view prints: a record with six long responses fits a screen. */
const PROMPT_CHARS = 300;
const RESPONSE_CHARS = 240;
/** Scores listed on a response's heading line; a sweep's dozens more are in --json and the page. */
const HEADING_SCORES = 4;

export interface ShowConsoleOptions {
  /** ANSI colours (a terminal). */
  colour: boolean;
  /** Every token of every response, and each token's values (otherwise the compact view). */
  tokens: boolean;
}

/**
 * One record as the console shows it: the prompt, each method's verdict, then each response shaded by its tokens'
 * shares of the endorm score against the record's mean share (see token-shares.ts), cut short unless `tokens`, which
 * also adds each response's token table.
 */
export function shownPairText(shown: ShownPair, o: ShowConsoleOptions, tokenTable: (r: ShownPair['responses'][number]) => string): string {
  const out: string[] = [];
  if (shown.prompt !== undefined) out.push(`── prompt (${shown.pair}${shown.group ? `, ${shown.group}` : ''}) ──`, cut(promptText(shown.prompt, shown.system), o.tokens ? Infinity : PROMPT_CHARS), '');
  out.push('── verdicts (✓ chosen scored higher, ✗ lower, = tie) ──', ...shown.verdictLines, '');
  const centre = meanShare(shown.responses, shown.alpha);
  const scale = shadeScale(shown.responses.flatMap((r) => r.tokens.map((t) => tokenShare(t, shown.alpha) - centre)));
  if (o.colour) {
    out.push(`shade: each token's α·log π_α (α = ${shown.alpha}; a response's shares sum to its endorm score) against this record's mean per token, ${centre.toFixed(3)}: green above, red below`, '');
  }
  for (const r of shown.responses) {
    const scores = Object.entries(r.scores ?? {});
    const listed = scores.slice(0, HEADING_SCORES).map(([spec, v]) => `${spec} ${Number.isFinite(v) ? v.toFixed(3) : '—'}`);
    if (scores.length > HEADING_SCORES) listed.push(`${scores.length - HEADING_SCORES} more in --json`);
    out.push(`── ${r.role}[${r.index}]${r.label ? ` ${r.label}` : ''}: ${r.tokens.length} tokens${r.truncated ? ' (truncated)' : ''} · ${listed.join(' · ')} ──`);
    let chars = 0;
    let shownTokens = 0;
    let text = '';
    for (const t of r.tokens) {
      if (!o.tokens && chars >= RESPONSE_CHARS) break;
      chars += t.text.length;
      shownTokens++;
      text += o.colour ? shade(t.text, (tokenShare(t, shown.alpha) - centre) / scale) : t.text;
    }
    out.push(text + (shownTokens < r.tokens.length ? ` … (${r.tokens.length - shownTokens} more tokens; --tokens shows all)` : ''));
    if (o.tokens) out.push('', tokenTable(r));
    out.push('');
  }
  return out.join('\n');
}

/** `endorm show RUN` without --pair: the keys to pass, each with every method's verdict on it. */
export function recordListText(list: { methods: string[]; records: ListedRecord[] }): string {
  const keyWidth = Math.max(4, ...list.records.map((r) => r.key.length));
  const groupWidth = Math.max(0, ...list.records.map((r) => r.group?.length ?? 0));
  const colWidth = list.methods.map((m) => Math.max(m.length, 5));
  const head = `${'key'.padEnd(keyWidth)}  ${groupWidth ? `${'group'.padEnd(groupWidth)}  ` : ''}${list.methods.map((m, i) => m.padEnd(colWidth[i]!)).join('  ')}`;
  const lines = [head];
  for (const r of list.records) {
    const cells = list.methods.map((m, i) => {
      const v = r.verdicts.find((x) => x.method === m);
      return (v ? `${v.right}/${v.total}` : '—').padEnd(colWidth[i]!);
    });
    lines.push(`${r.key.padEnd(keyWidth)}  ${groupWidth ? `${(r.group ?? '').padEnd(groupWidth)}  ` : ''}${cells.join('  ')}`.trimEnd());
  }
  lines.push('', `${list.records.length} records; each column: the method's judgements right / made on the record (a tie is never right). Show one with --pair KEY.`);
  return lines.join('\n') + '\n';
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters; --tokens shows all)`;
}

/** Green above the centre, red below, on the 256-colour cube; `x` in units of the full-colour distance. */
function shade(text: string, x: number): string {
  const shown = JSON.stringify(text).slice(1, -1).replace(/\\n/g, '↵\n');
  const level = Math.min(5, Math.round(Math.min(1, Math.abs(x)) * 5));
  const code = x >= 0 ? 16 + 6 * level : 16 + 36 * level;
  return `\x1b[48;5;${code}m\x1b[38;5;231m${shown}\x1b[0m`;
}
