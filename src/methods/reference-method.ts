import { MethodSpecError, parseMethodSpec } from '../rewards/method-spec.js';

/** The method name a run's paired tests compare against unless its settings name another. */
const DEFAULT_REFERENCE_NAME = 'endorm';

/**
 * The method every other method is tested against (McNemar): `chosen` (run.json's `settings.reference`, from
 * --reference) when given, else the first `endorm` method, because the report is about how endorm compares.
 */
export function referenceMethod(methods: readonly string[], chosen?: string): string | undefined {
  if (chosen !== undefined) return methods.includes(chosen) ? chosen : undefined;
  return methods.find((spec) => nameOf(spec) === DEFAULT_REFERENCE_NAME);
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
