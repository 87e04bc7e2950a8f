import type { RunSummary } from './run-summary.js';

const TOP_LEVEL = ['endorm', 'createdAt', 'model', 'dataset', 'settings', 'counts', 'timing', 'methods', 'notes'];

/** summary.json text: top-level keys in a fixed order whoever built the object, then any extra ones; 2-space indent. */
export function summaryJson(summary: RunSummary): string {
  const source = summary as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL) if (key in source) ordered[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in ordered)) ordered[key] = source[key];
  return `${compactNumberArrays(JSON.stringify(ordered, null, 2))}\n`;
}

/** Puts arrays of plain numbers (a CI, a matrix row) on one line: 2-space JSON would spread a 3x3 matrix over 15. */
function compactNumberArrays(json: string): string {
  return json.replace(/\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g, (_, inner: string) => `[${inner.replace(/,\s+/g, ', ')}]`);
}
