import type { RunSummary } from '../benchmarks/method-summary.js';
import { displayValue } from './settings-text.js';

/** Setting values longer than this are named by variant (`judges=v2`) in labels; the runs table shows them whole. */
const LONGEST_VALUE = 20;
/** Settings a label names at most; more would not fit a column head (the runs table lists every difference). */
const MOST_SETTINGS = 2;

/**
 * A short, distinct label per run for comparison columns: a label the user gave (`--label`), else the model's name plus
 * the (at most two) settings that tell the runs apart, long values (a judge's settings, a grid) named by variant rather
 * than spelled out; `#N` (its position) where that still leaves two runs alike.
 */
export function runLabels(summaries: readonly RunSummary[], given: readonly (string | undefined)[] = []): string[] {
  const described = summaries.map(describe);
  const keys = [...new Set(described.flatMap((d) => [...d.keys()]))].filter((key) => key !== 'model');
  const varying = telling(described, keys.filter((key) => new Set(described.map((d) => d.get(key) ?? '—')).size > 1));
  const variants = new Map(varying.map((key) => [key, [...new Set(described.map((d) => d.get(key) ?? '—'))]]));
  const labels = described.map((d, i) => {
    if (given[i]) return given[i]!;
    const differences = varying.map((key) => {
      const value = d.get(key) ?? '—';
      return `${key}=${value.length > LONGEST_VALUE ? `v${variants.get(key)!.indexOf(value) + 1}` : value}`;
    });
    return differences.length > 0 ? `${d.get('model')} (${differences.join(', ')})` : d.get('model')!;
  });
  const seen = new Map<string, number>();
  for (const label of labels) seen.set(label, (seen.get(label) ?? 0) + 1);
  return labels.map((label, i) => (seen.get(label)! > 1 && !given[i] ? `${label} #${i + 1}` : label));
}

/**
 * The settings a label names: greedily the one that tells most runs apart (on a tie, one with short values, then the
 * first), until every run differs or MOST_SETTINGS are named; in their usual order.
 */
function telling(described: readonly Map<string, string>[], varying: readonly string[]): string[] {
  // A dataset of another name is also other data: naming both would say one thing twice.
  const candidates = varying.includes('dataset') ? varying.filter((key) => key !== 'data') : [...varying];
  const groups = (chosen: readonly string[]) => new Set(described.map((d) => [d.get('model'), ...chosen.map((k) => d.get(k) ?? '—')].join('\u0000'))).size;
  const short = (key: string) => described.every((d) => (d.get(key) ?? '—').length <= LONGEST_VALUE);
  const chosen: string[] = [];
  while (chosen.length < MOST_SETTINGS && groups(chosen) < described.length) {
    const remaining = candidates.filter((key) => !chosen.includes(key));
    let best: string | undefined;
    for (const key of remaining) {
      if (best === undefined) {
        best = key;
        continue;
      }
      const gain = groups([...chosen, key]) - groups([...chosen, best]);
      if (gain > 0 || (gain === 0 && short(key) && !short(best))) best = key;
    }
    if (best === undefined || groups([...chosen, best]) === groups(chosen)) break;
    chosen.push(best);
  }
  return candidates.filter((key) => chosen.includes(key));
}

/** Settings that can tell runs apart, as display strings. */
export function describe(summary: RunSummary): Map<string, string> {
  const d = new Map<string, string>();
  d.set('model', modelName(summary.model.spec));
  d.set('dtype', summary.model.dtype);
  d.set('dataset', summary.dataset.name);
  // Same name, other file (a different version or subset) must not look like the same data.
  d.set('data', summary.dataset.sha256.slice(0, 8));
  for (const key of Object.keys(summary.settings).sort()) {
    const value = summary.settings[key];
    if (key === 'methods' || value === undefined) continue;
    d.set(key, key === 'shard' && isShard(value) ? `${value.index}/${value.count}` : key === 'selectOn' && isSelectOn(value) ? `dev:${value.fraction}` : displayValue(value));
  }
  return d;
}

/** "onnx-community/Qwen3-0.6B-ONNX" -> "Qwen3-0.6B-ONNX"; "/models/qwen/" -> "qwen". */
export function modelName(spec: string): string {
  const parts = spec.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? spec;
}

/** --select-on as typed (its seed is the run's `seed`, a setting of its own). */
function isSelectOn(value: unknown): value is { fraction: number } {
  return typeof value === 'object' && value !== null && 'fraction' in value;
}

function isShard(value: unknown): value is { index: number; count: number } {
  return typeof value === 'object' && value !== null && 'index' in value && 'count' in value;
}
