/** Display formatting shared by the Markdown, CSV and HTML writers. */

export const DASH = '—';

/** 0..1 -> "73.4" (percent, no sign); null -> em dash. */
export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : (value * 100).toFixed(digits);
}

export function percentCi(ci: readonly [number, number] | null | undefined, digits = 1): string {
  return ci ? `${percent(ci[0], digits)}–${percent(ci[1], digits)}` : DASH;
}

/** p-values: three decimals while they are readable that way, scientific below 0.001. */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  if (p >= 0.001) return p >= 0.01 ? p.toFixed(3) : p.toFixed(4);
  if (p === 0) return '<1e-300';
  return p.toExponential(1);
}

export function integer(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : Math.round(value).toLocaleString('en-US');
}

/** 1234567 -> "1.23M"; for token counts, where the exact figure is in summary.json. */
export function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return integer(value);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

export function shortHash(sha256: string | undefined): string {
  return sha256 ? sha256.slice(0, 12) : DASH;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A method spec as a table head that may break after ':', ',' and '=' (a sweep's specs are long and many). */
export function breakableSpecHtml(spec: string): string {
  return escapeHtml(spec).replace(/([:,=])/g, '$1<wbr>');
}

/**
 * Text for Markdown from outside endorm (dataset names, groups, labels, notes that quote records): HTML is shown, not
 * run (Markdown passes raw HTML through), link syntax is shown, not linked (`[x](javascript:…)` from a group name would
 * be a live link: brackets and the backslash that could undo their escape are escaped, and so are bare URLs), and line
 * breaks stay inside one paragraph or list item.
 */
export function mdText(text: string): string {
  return text
    .replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`)
    .replace(/[\\[\]]/g, (ch) => `\\${ch}`)
    // GFM links bare URLs too (`https://…`, `www.…`): an escaped ':' or '.' stops that and shows the same.
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
    .replace(/\r?\n/g, ' ');
}

/** Text for a Markdown table cell: as mdText, and pipes would break the table. */
export function mdCell(text: string): string {
  return mdText(text).replace(/\|/g, '\\|');
}

/**
 * Inline Markdown code that shows `text` as it is: a fence longer than any run of backticks in it. A code span shows
 * HTML as text already, so only what would break a table cell (pipes, line breaks) is escaped, not `<` or `&`.
 */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/**
 * Inline Markdown code outside a table (a list item, a heading): as mdCode, but a pipe is left as it is, since only a
 * table row reads `\|` as a pipe; elsewhere the backslash would show, and a pasted argument would change.
 */
export function mdInlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/**
 * A fenced code block, indented by `indent` (to sit inside a list item), showing `text` byte for byte, line breaks
 * included: for what a reader copies into a shell, such as a run's command line. The fence is longer than any run of
 * backticks in the text, so no line of it can close the block.
 */
export function mdCodeBlock(text: string, info = '', indent = ''): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [`${indent}${fence}${info}`, ...text.split('\n').map((line) => `${indent}${line}`), `${indent}${fence}`];
}

/** Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV field. Text that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, tab, CR first) gets a
 * leading `'`, which shows it as text; numbers are written by endorm as numbers (negative ones included), so they
 * stay numbers: only strings are neutralised.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',');
}

/** Text with Markdown code spans (`spec`) as HTML: escaped, each span in <code>, so no literal backtick shows. */
export function codeSpansHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
