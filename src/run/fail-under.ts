import { SettingsError } from './settings-error.js';

/**
 * A `--fail-under METHOD[@NUMBER]=MIN` gate: the run fails when the method's number is below MIN. NUMBER names which
 * of the method's numbers (see protocols/headline.ts): the protocol's headline when left out, or `pooled`, a part of
 * the headline (`easy`) or a section (`chat`).
 */
export interface AccuracyGate {
  method: string;
  /** The number's name; undefined: the headline. */
  number?: string;
  /** Fraction 0..1 (a value given above 1 is read as a percentage). */
  minimum: number;
}

export interface GateResult extends AccuracyGate {
  /** What was checked, for the message: `RM-Bench average`, `pooled accuracy`. */
  label: string;
  /** The method's value; null when the method or the number is not in the run (the gate then fails). */
  value: number | null;
  passed: boolean;
  /** Why there is no value (`not in this run`, `no number named "x" (it has: …)`); absent when there is one. */
  problem?: string;
}

const USAGE = 'expected METHOD[@NUMBER]=MINIMUM, e.g. endorm=0.7, endorm=70% or endorm@pooled=0.6';

export function parseAccuracyGate(text: string): AccuracyGate {
  const eq = text.lastIndexOf('=');
  const left = text.slice(0, Math.max(eq, 0));
  const raw = text.slice(eq + 1).trim().replace(/%$/, '');
  const value = Number(raw);
  if (eq <= 0 || raw === '' || !Number.isFinite(value) || value < 0 || value > 100) throw new Error(`--fail-under ${text}: ${USAGE}`);
  // A method spec's own `=` and `,` come before the last `@`; a number's name has neither.
  const at = left.lastIndexOf('@');
  const named = at > 0 && !/[=,]/.test(left.slice(at + 1));
  const method = (named ? left.slice(0, at) : left).trim();
  const number = named ? left.slice(at + 1).trim() : undefined;
  if (method === '' || number === '') throw new Error(`--fail-under ${text}: ${USAGE}`);
  return { method, ...(number !== undefined ? { number } : {}), minimum: value > 1 || text.trim().endsWith('%') ? value / 100 : value };
}

/** How a gate is written back in messages: `endorm`, `endorm@pooled`. */
export function gateName(gate: AccuracyGate): string {
  return gate.number === undefined ? gate.method : `${gate.method}@${gate.number}`;
}

/**
 * Checks each gate against a run's methods; `read` finds a method's number by name (the headline when the name is
 * undefined) or says which names it has. A method or number missing from the run fails its gate.
 */
export function checkAccuracyGates<M>(
  gates: readonly AccuracyGate[],
  methods: Readonly<Record<string, M>>,
  read: (m: M, name: string | undefined) => { label: string; value: number | null } | { names: string[] },
): GateResult[] {
  return gates.map((g) => {
    const m = methods[g.method];
    if (m === undefined) return { ...g, label: g.number ?? 'headline', value: null, passed: false, problem: 'the method is not in this run' };
    const found = read(m, g.number);
    if ('names' in found) {
      return { ...g, label: g.number!, value: null, passed: false, problem: `no number named "${g.number}" (it has: ${found.names.join(', ')})` };
    }
    return { ...g, label: found.label, value: found.value, passed: found.value !== null && found.value >= g.minimum, ...(found.value === null ? { problem: `${found.label} has no value in this run` } : {}) };
  });
}

/** The console line of a gate: which number it checked, its value and the threshold. */
export function gateText(r: GateResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (r.value === null) return `--fail-under ${gateName(r)}: ${r.problem ?? 'no value'}; failed`;
  const what = `${gateName(r)}: ${r.label}`;
  return r.passed
    ? `--fail-under ${what} ${pct(r.value)} is at or above ${pct(r.minimum)}: passed`
    : `--fail-under ${what} ${pct(r.value)} is below ${pct(r.minimum)}: failed`;
}

/** Before anything runs: a gate naming a method the run does not score could only fail, after the whole run. */
export function checkGateMethods(gates: readonly AccuracyGate[], methods: readonly string[]): void {
  const unknown = gates.filter((g) => !methods.includes(g.method));
  if (unknown.length === 0) return;
  throw new SettingsError(
    `--fail-under ${unknown.map((g) => g.method).join(', ')}: not among this run's methods (${methods.join(', ')}); ` +
      'name a method exactly as --methods (or the run) gives it',
  );
}
