import { escapeHtml } from './format.js';

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

export interface SvgDocument {
  /** Already formatted where a caller rounds them. */
  width: number | string;
  height: number | string;
  /** Read by screen readers (aria-label). */
  label: string;
  /** The chart's own CSS rules, so that the SVG reads the same inline in report.html and as a standalone file. */
  style: string;
  parts: string[];
  className?: string;
}

/** The root element every chart shares: size, accessible label, font and its own styles around the parts. */
export function svgDocument(d: SvgDocument): string {
  const className = d.className ? ` class="${d.className}"` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${className} role="img" aria-label="${escapeHtml(d.label)}" viewBox="0 0 ${d.width} ${d.height}" width="${d.width}" height="${d.height}" font-family="${FONT}">`,
    `<style>${d.style}</style>`,
    ...d.parts,
    '</svg>',
  ].join('\n');
}
