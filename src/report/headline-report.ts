import type { RunSummary } from '../benchmarks/method-summary.js';
import { escapeHtml, mdCode, percent, percentCi } from '../render/format.js';
import { card } from '../render/html-page.js';
import { seriesColor } from '../render/palette.js';
import { protocolOfKind } from '../protocols/registry.js';

/** The methods that have the protocol's headline, and its title; undefined when the run's protocol has none. */
function headlined(summary: RunSummary): { title: string; methods: [string, RunSummary['methods'][string]][]; parts: string[] } | undefined {
  const methods = Object.entries(summary.methods).filter(([, m]) => m.headline);
  if (methods.length === 0) return undefined;
  const parts = [...new Set(methods.flatMap(([, m]) => Object.keys(m.headline!.parts ?? {})))];
  return { title: methods[0]![1].headline!.title, methods, parts };
}

/** What the accuracy column is called: "Pooled accuracy" beside a protocol's headline, plain "Accuracy" otherwise. */
export function accuracyLabel(summary: RunSummary): string {
  return headlined(summary) ? 'Pooled accuracy' : 'Accuracy';
}

function aboutCi(summary: RunSummary): string {
  const within = protocolOfKind(summary.dataset.kind).headline?.resampledWithin ?? 'domain';
  return `95% CI: percentile bootstrap over records, resampled within each ${within} (1000 resamples, fixed seed).`;
}

/** report.md's first results section: the protocol's headline per method with its interval and parts. */
export function headlineMarkdown(summary: RunSummary): string[] {
  const h = headlined(summary);
  if (!h) return [];
  const out = [`## ${h.title}`, ''];
  out.push(`| Method | ${h.title} % | 95% CI | ${h.parts.map(capitalize).join(' | ')}${h.parts.length ? ' | ' : ''}Pooled accuracy % |`);
  out.push(`|---|--:|--:|${h.parts.map(() => '--:|').join('')}--:|`);
  for (const [spec, m] of h.methods) {
    const parts = h.parts.map((p) => {
      const part = m.headline!.parts?.[p];
      return part ? `${percent(part.value)} (${percentCi(part.ci95)})` : '';
    });
    out.push(`| ${mdCode(spec)} | **${percent(m.headline!.value)}** | ${percentCi(m.headline!.ci95)} | ${parts.join(' | ')}${parts.length ? ' | ' : ''}${percent(m.accuracy)} |`);
  }
  out.push('', `${aboutCi(summary)} Pooled accuracy: the share of every chosen-vs-rejected comparison of every record, all domains together (below).`, '');
  return out;
}

/** report.html's headline card, before the methods table; '' without a headline. */
export function headlineHtml(summary: RunSummary): string {
  const h = headlined(summary);
  if (!h) return '';
  const order = Object.keys(summary.methods);
  const rows = h.methods.map(([spec, m]) => {
    const parts = h.parts.map((p) => {
      const part = m.headline!.parts?.[p];
      return `<td class="num">${part ? `${percent(part.value)} <span class="ci">${percentCi(part.ci95)}</span>` : ''}</td>`;
    });
    return `<tr><td><span class="swatch" style="background:${seriesColor(order.indexOf(spec))}"></span><code>${escapeHtml(spec)}</code></td><td class="num acc">${percent(m.headline!.value)}</td><td class="num ci">${percentCi(m.headline!.ci95)}</td>${parts.join('')}<td class="num">${percent(m.accuracy)}</td></tr>`;
  });
  const head = `<th>Method</th><th class="num">${escapeHtml(h.title)} %</th><th class="num">95% CI</th>${h.parts.map((p) => `<th class="num">${escapeHtml(capitalize(p))}</th>`).join('')}<th class="num">Pooled accuracy %</th>`;
  return card(h.title, `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`, escapeHtml(aboutCi(summary)));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
