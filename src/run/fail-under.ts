import { SettingsError } from './settings-error.js';

/** A `--fail-under METHOD=ACC` gate: the run fails when the method's accuracy is below ACC. */
export interface AccuracyGate {
  method: string;
  /** Fraction 0..1 (a value given above 1 is read as a percentage). */
  minimum: number;
}

export interface GateResult extends AccuracyGate {
  accuracy: number | null;
  passed: boolean;
}

export function parseAccuracyGate(text: string): AccuracyGate {
  const eq = text.lastIndexOf('=');
  const method = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim().replace(/%$/, '');
  const value = Number(raw);
  if (eq <= 0 || raw === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new Error(`--fail-under ${text}: expected METHOD=ACCURACY, e.g. endorm=0.7 or endorm=70%`);
  }
  return { method, minimum: value > 1 || text.trim().endsWith('%') ? value / 100 : value };
}

/** Checks each gate against a summary's methods; a method missing from the run fails its gate. */
export function checkAccuracyGates(gates: AccuracyGate[], methods: Record<string, { accuracy: number | null | undefined }>): GateResult[] {
  return gates.map((g) => {
    const accuracy = methods[g.method]?.accuracy ?? null;
    return { ...g, accuracy, passed: accuracy !== null && accuracy >= g.minimum };
  });
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
