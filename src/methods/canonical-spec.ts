import { parseMethodSpec } from '../rewards/method-spec.js';
import { createResponseMethod, RESPONSE_METHOD_NAMES } from '../rewards/response-methods.js';
import { isJudgeMethod } from './method-registry.js';

/**
 * A method spec in the one spelling that comparisons of runs match on: `endorm`, `endorm:alpha=1,gamma=1` and
 * `endorm:gamma=1` are all `endorm`; `endorm:gamma=0.9,alpha=0.50` is `endorm:alpha=0.5,gamma=0.9`. Within a run the
 * spec as written stays the key of its scores; a spec this version does not know (a method from a newer endorm, a
 * malformed key in a foreign file) is kept as written, trimmed, rather than refused: a report must still read it.
 */
export function canonicalMethodSpec(spec: string): string {
  try {
    const m = parseMethodSpec(spec);
    if (isJudgeMethod(m.name)) return Object.keys(m.params).length ? m.spec : m.name;
    if ((RESPONSE_METHOD_NAMES as string[]).includes(m.name)) return createResponseMethod(m).canonical;
  } catch {
    // Unknown parameters or values: not a spec this version can normalise.
  }
  return spec.trim();
}

/** Whether two specs name the same method with the same settings. */
export function sameMethod(a: string, b: string): boolean {
  return canonicalMethodSpec(a) === canonicalMethodSpec(b);
}
