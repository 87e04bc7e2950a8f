import type { TokenTrace } from '../engine/token-trace.js';
import { codePointCount } from '../formatting/text-cut.js';
import { endogenousReward, endogenousRewardSpec, parseEndogenousReward } from './endogenous-reward.js';
import { logLikelihood } from './log-likelihood.js';
import { type MethodSpec, MethodSpecError, parseMethodSpec, rejectUnknownParams } from './method-spec.js';

/** What a per-response method sees: the model's trace of the response and the response text. */
export interface ResponseContext {
  trace: TokenTrace;
  text: string;
}

/** A reward computed from one response's trace alone: a pure function, so it reruns from saved traces. */
export interface ResponseMethod {
  spec: string;
  name: string;
  /** The spec in its one canonical spelling (defaults dropped, parameters ordered): what comparisons of runs match on. */
  canonical: string;
  /** Temperatures the trace must hold. */
  alphas: number[];
  score(ctx: ResponseContext): number;
}

type Factory = (m: MethodSpec) => ResponseMethod;

const FACTORIES: Record<string, Factory> = {
  endorm: (m) => {
    const settings = parseEndogenousReward(m);
    return { spec: m.spec, name: m.name, canonical: endogenousRewardSpec(settings), alphas: [settings.alpha], score: ({ trace }) => endogenousReward(trace, settings) };
  },
  loglik: (m) => {
    rejectUnknownParams(m, []);
    return { spec: m.spec, name: m.name, canonical: m.name, alphas: [1], score: ({ trace }) => logLikelihood(trace, false) };
  },
  'loglik-mean': (m) => {
    rejectUnknownParams(m, []);
    return { spec: m.spec, name: m.name, canonical: m.name, alphas: [1], score: ({ trace }) => logLikelihood(trace, true) };
  },
  // The sanity baseline: longer wins. A dataset where this is strong rewards verbosity, not quality.
  length: (m) => {
    rejectUnknownParams(m, []);
    return { spec: m.spec, name: m.name, canonical: m.name, alphas: [], score: ({ text }) => codePointCount(text) };
  },
};

export const RESPONSE_METHOD_NAMES = Object.keys(FACTORIES);

/**
 * Whether any of these methods reads the model's values (a method with no temperature, like `length`, reads only the
 * text): only then does a run pass the model over responses, and keep their token traces.
 */
export function readsModel(methods: readonly ResponseMethod[]): boolean {
  return methods.some((m) => m.alphas.length > 0);
}

export function createResponseMethod(spec: string | MethodSpec): ResponseMethod {
  const m = typeof spec === 'string' ? parseMethodSpec(spec) : spec;
  const factory = FACTORIES[m.name];
  if (!factory) throw new MethodSpecError(`unknown method "${m.name}" in "${m.spec}" (known: ${RESPONSE_METHOD_NAMES.join(', ')})`);
  return factory(m);
}
