import type { RunManifest } from '../run-store/run-manifest.js';

/**
 * Settings as "key value" pairs for display, in a fixed order; methods are left out (they are the table rows), and so
 * are the judges' prompts and labels (the reports' judge section shows them).
 */
export function settingsEntries(settings: RunManifest['settings']): [string, string][] {
  const entries: [string, string][] = [
    ['template', settings.template],
    ['score EOT', settings.scoreEot ? 'yes' : 'no'],
    ['max length', String(settings.maxLength)],
    ['alphas', Array.isArray(settings.alphas) ? settings.alphas.join(', ') : String(settings.alphas)],
  ];
  if (settings.limit !== undefined) entries.push(['limit', String(settings.limit)]);
  if (settings.shard) entries.push(['shard', `${settings.shard.index}/${settings.shard.count}`]);
  if (settings.selectOn) entries.push(['select on', `dev:${settings.selectOn.fraction} (seed ${settings.selectOn.seed})`]);
  const known = new Set(['methods', 'template', 'scoreEot', 'maxLength', 'alphas', 'limit', 'shard', 'selectOn', 'judges', 'traces']);
  for (const key of Object.keys(settings).sort()) {
    if (known.has(key) || settings[key] === undefined) continue;
    entries.push([key, displayValue(settings[key])]);
  }
  return entries;
}

export function settingsText(settings: RunManifest['settings']): string {
  return settingsEntries(settings)
    .map(([key, value]) => `${key} ${value}`)
    .join(' · ');
}

export function displayValue(value: unknown): string {
  if (isGrid(value)) return `α ${value.alphas.join(', ')} × γ ${value.gammas.join(', ')}`;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  return JSON.stringify(value);
}

function isGrid(value: unknown): value is { alphas: number[]; gammas: number[] } {
  const v = value as { alphas?: unknown; gammas?: unknown } | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.alphas) && Array.isArray(v.gammas);
}
