import { MethodSpecError, parseMethodSpec } from '../rewards/method-spec.js';
import { canonicalMethodSpec } from './canonical-spec.js';

/** The method name a run's paired tests compare against unless its settings name another. */
const DEFAULT_REFERENCE_NAME = 'endorm';

/**
 * The method every other method is tested against (McNemar): `chosen` (run.json's `settings.reference`, from
 * --reference) when given, else the first `endorm` method, because the report is about how endorm compares. In a
 * run with an α × γ grid (`o.grid`), endorm's default setting when the run scored it: the first cell is an arbitrary
 * corner of the sweep, the default is what a cell is worth choosing over.
 */
export function referenceMethod(methods: readonly string[], chosen?: string, o: { grid?: boolean } = {}): string | undefined {
  if (chosen !== undefined) return methods.includes(chosen) ? chosen : undefined;
  const endorms = methods.filter((spec) => nameOf(spec) === DEFAULT_REFERENCE_NAME);
  return (o.grid ? endorms.find(isDefaultSetting) : undefined) ?? endorms[0];
}

/** endorm with every parameter at its default (α = 1, γ = 1), however spelled. */
function isDefaultSetting(spec: string): boolean {
  try {
    return canonicalMethodSpec(spec) === DEFAULT_REFERENCE_NAME;
  } catch {
    return false;
  }
}

/** A --reference that is not among the run's methods is a usage error, found before anything runs. */
export function checkReference(reference: string | undefined, methods: readonly string[]): void {
  if (reference !== undefined && !methods.includes(reference)) {
    throw new MethodSpecError(`--reference ${reference} is not among the run's methods (${methods.join(', ')})`);
  }
}

/** A spec from a score file may not parse (an older or hand-edited run): it is then no method's reference. */
function nameOf(spec: string): string | undefined {
  try {
    return parseMethodSpec(spec).name;
  } catch {
    return undefined;
  }
}
