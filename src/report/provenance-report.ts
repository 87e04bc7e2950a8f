import type { RunManifest } from '../run-store/run-manifest.js';
import { escapeHtml, mdCell, mdCode, mdCodeBlock, mdInlineCode, mdText } from '../render/format.js';
import { card } from '../render/html-page.js';
import { provenanceDifferences } from './provenance-diff.js';
import { modelFileRows, provenanceLines } from './provenance-text.js';

/** report.md's provenance section: the command, software, machine and paths, then the model files' sha256. */
export function provenanceMarkdown(m: RunManifest): string[] {
  const out = ['## Provenance', ''];
  for (const line of provenanceLines(m)) {
    // The command line in a block of its own: exactly what a shell needs, whatever quotes, pipes or backticks it holds.
    if (line.label === 'Command') out.push(`- **${line.label}:**`, '', ...mdCodeBlock(line.text, 'sh', '  '), '');
    else out.push(`- **${line.label}:** ${line.code ? mdInlineCode(line.text) : mdText(line.text)}`);
  }
  out.push('');
  const files = modelFileRows(m);
  if (files.length > 0) {
    out.push('| Model file | Size | sha256 |', '|---|--:|---|');
    for (const f of files) out.push(`| ${mdCode(f.file)} | ${f.bytes} | \`${f.sha256}\` |`);
    out.push('');
  }
  return out;
}

/** report.html's run card rows for the same, as [label, HTML] (every text escaped). */
export function provenanceHtmlRows(m: RunManifest): [string, string][] {
  const rows: [string, string][] = provenanceLines(m).map((line) => [line.label, line.code ? `<code>${escapeHtml(line.text)}</code>` : escapeHtml(line.text)]);
  const files = modelFileRows(m);
  if (files.length > 0) {
    const list = files.map((f) => `<code>${escapeHtml(f.file)}</code> ${escapeHtml(f.bytes)} <code title="sha256">${escapeHtml(f.sha256)}</code>`);
    rows.push(['Model files', list.join('<br>')]);
  }
  return rows;
}

/** comparison.md's "Provenance differs" section; [] when the runs agree. */
export function provenanceDiffMarkdown(runs: readonly RunManifest[], labels: readonly string[]): string[] {
  const differences = provenanceDifferences(runs);
  if (differences.length === 0) return [];
  const out = ['## Provenance differs', '', 'These runs were not made with the same files, software or device; read the numbers below with that in mind.', ''];
  out.push(`| | ${labels.map((l) => mdCell(l)).join(' | ')} |`, `|---|${labels.map(() => '---').join('|')}|`);
  for (const d of differences) out.push(`| ${mdCell(d.field)} | ${d.values.map((v) => mdCell(v)).join(' | ')} |`);
  out.push('');
  return out;
}

/** comparison.html's "Provenance differs" card; '' when the runs agree. */
export function provenanceDiffHtml(runs: readonly RunManifest[], labels: readonly string[]): string {
  const differences = provenanceDifferences(runs);
  if (differences.length === 0) return '';
  const head = labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('');
  const rows = differences.map((d) => `<tr><td>${escapeHtml(d.field)}</td>${d.values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`);
  return card(
    'Provenance differs',
    `<div class="callout">These runs were not made with the same files, software or device; read the numbers below with that in mind.</div><div class="table-wrap"><table><thead><tr><th>Field</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
  );
}
