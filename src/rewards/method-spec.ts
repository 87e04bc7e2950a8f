import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/** A parsed `--methods` entry: `name[:key=value,key=value]`. The spec string as written is its key in every output. */
export interface MethodSpec {
  spec: string;
  name: string;
  params: Record<string, string>;
}

export class MethodSpecError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'MethodSpecError';
}

/**
 * Splits a `--methods` list. Commas separate methods and also a method's parameters, so a piece with `=` but no `:`
 * continues the method before it: `endorm:alpha=0.5,gamma=0.9,loglik` is two methods.
 */
export function splitMethodList(list: string): string[] {
  const specs: string[] = [];
  for (const raw of list.split(/[,;]/)) {
    const piece = raw.trim();
    if (!piece) continue;
    if (piece.includes('=') && !piece.includes(':') && specs.length > 0 && specs[specs.length - 1].includes(':')) {
      specs[specs.length - 1] += `,${piece}`;
    } else {
      specs.push(piece);
    }
  }
  return specs;
}

export function parseMethodSpec(spec: string): MethodSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim();
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new MethodSpecError(`method spec "${spec}": "${name}" is not a method name`);
  const params: Record<string, string> = {};
  if (colon >= 0) {
    for (const part of trimmed.slice(colon + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new MethodSpecError(`method spec "${spec}": "${part}" is not key=value`);
      const key = part.slice(0, eq).trim();
      if (key in params) throw new MethodSpecError(`method spec "${spec}": "${key}" is given twice`);
      params[key] = part.slice(eq + 1).trim();
    }
  }
  return { spec: trimmed, name, params };
}

export function numberParam(m: MethodSpec, key: string, fallback: number, check: (x: number) => boolean, rule: string): number {
  const raw = m.params[key];
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (raw === '' || !Number.isFinite(x) || !check(x)) throw new MethodSpecError(`method spec "${m.spec}": ${key}=${raw} (${rule})`);
  return x;
}

export function choiceParam<T extends string>(m: MethodSpec, key: string, choices: readonly T[], fallback: T): T {
  const raw = m.params[key];
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new MethodSpecError(`method spec "${m.spec}": ${key}=${raw} (one of ${choices.join(', ')})`);
  }
  return raw as T;
}

export function rejectUnknownParams(m: MethodSpec, known: string[]): void {
  for (const key of Object.keys(m.params)) {
    if (!known.includes(key)) {
      throw new MethodSpecError(`method spec "${m.spec}": unknown parameter "${key}"` + (known.length ? ` (known: ${known.join(', ')})` : ''));
    }
  }
}
