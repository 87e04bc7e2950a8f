import type { MethodSummary, RunSummary } from '../benchmarks/method-summary.js';
import { hasOwnHeadline, headlineOf } from '../protocols/headline.js';
import type { Headline } from '../protocols/protocol.js';
import { breakableSpecHtml, escapeHtml, mdCode, percent, percentCi } from '../render/format.js';
import { card, legend } from '../render/html-page.js';
import { seriesColor } from '../render/palette.js';
import { barChartSvg, type BarCategory } from '../render/svg-bar-chart.js';
import { protocolOfKind } from '../protocols/registry.js';

/**
 * The methods that have the protocol's own headline (not plain accuracy, which the methods table leads with), the
 * headline, and its parts' names; undefined when the run's protocol has none or no method has a value for it.
 */
function headlined(summary: RunSummary): { headline: Headline; title: string; methods: [string, MethodSummary][]; parts: string[] } | undefined {
  const protocol = protocolOfKind(summary.dataset.kind);
  if (!hasOwnHeadline(protocol)) return undefined;
  const methods = Object.entries(summary.methods).filter(([, m]) => m.headline);
  if (methods.length === 0) return undefined;
  const parts = [...new Set(methods.flatMap(([, m]) => Object.keys(m.headline!.parts ?? {})))];
  return { headline: headlineOf(protocol), title: methods[0]![1].headline!.title, methods, parts };
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

/**
 * report.html's headline card, the page's first table and first chart: the headline of each method with its interval
 * (and its parts); '' without a headline of the protocol's own (then the methods table and the accuracy chart lead).
 */
export function headlineHtml(summary: RunSummary, series: readonly { name: string; color: string }[]): string {
  const h = headlined(summary);
  if (!h) return '';
  const order = Object.keys(summary.methods);
  const rows = h.methods.map(([spec, m]) => {
    const parts = h.parts.map((p) => {
      const part = m.headline!.parts?.[p];
      return `<td class="num">${part ? `${percent(part.value)} <span class="ci nowrap">${percentCi(part.ci95)}</span>` : ''}</td>`;
    });
    return `<tr><td><span class="swatch" style="background:${seriesColor(order.indexOf(spec))}"></span><code>${breakableSpecHtml(spec)}</code></td><td class="num acc">${percent(m.headline!.value)}</td><td class="num ci nowrap">${percentCi(m.headline!.ci95)}</td>${parts.join('')}<td class="num">${percent(m.accuracy)}</td></tr>`;
  });
  const head = `<th>Method</th><th class="num">${escapeHtml(h.title)} %</th><th class="num">95% CI</th>${h.parts.map((p) => `<th class="num">${escapeHtml(capitalize(p))}</th>`).join('')}<th class="num">Pooled accuracy %</th>`;
  const table = `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
  return card(h.title, `${table}${headlineChart(summary, h, series)}`, escapeHtml(`${aboutCi(summary)} Chart: bars are the ${h.title}${h.parts.length ? ` and its parts (${h.parts.join(', ')})` : ''}, whiskers its 95% CI.`));
}

/** The headline (then its parts) per method as bars with CI whiskers; methods past the palette are left to the table. */
function headlineChart(summary: RunSummary, h: NonNullable<ReturnType<typeof headlined>>, series: readonly { name: string; color: string }[]): string {
  const shown = series.filter((s) => summary.methods[s.name]?.headline);
  if (shown.length === 0 || shown.length > MOST_CHART_METHODS) return '';
  const value = (v: { value: number | null; ci95: [number, number] | null } | undefined) => (v && v.value !== null ? { value: v.value, ci: v.ci95 } : null);
  const categories: BarCategory[] = [
    { label: h.headline.short, values: shown.map((s) => value(summary.methods[s.name]!.headline)) },
    ...h.parts.map((p) => ({ label: p, values: shown.map((s) => value(summary.methods[s.name]!.headline!.parts?.[p])) })),
  ];
  return `<h3>${escapeHtml(h.title)} by method</h3>${legend(shown)}<div class="chart-wrap">${barChartSvg({ categories, series: shown, title: `${h.title} by method, 95% CI` })}</div>`;
}

/** More bars per category than this do not read as a chart (a sweep's cells: the grid card charts them). */
const MOST_CHART_METHODS = 10;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
