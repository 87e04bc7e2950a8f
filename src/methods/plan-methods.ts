import { MethodSpecError, parseMethodSpec, rejectUnknownParams, type MethodSpec } from '../rewards/method-spec.js';
import { createResponseMethod, RESPONSE_METHOD_NAMES, type ResponseMethod } from '../rewards/response-methods.js';
import { isJudgeMethod, JUDGES, METHOD_NAMES } from './method-registry.js';

/** `--methods` split into per-response methods (one model pass per response) and judges (their own prompts). */
export interface MethodPlan {
  response: ResponseMethod[];
  judges: MethodSpec[];
}

/** Parses and checks every spec; an unknown name lists every method, judges included. */
export function planMethods(specs: readonly string[]): MethodPlan {
  const plan: MethodPlan = { response: [], judges: [] };
  for (const spec of specs) {
    const m = parseMethodSpec(spec);
    if (isJudgeMethod(m.name)) {
      rejectUnknownParams(m, []);
      if (!plan.judges.some((j) => j.spec === m.spec)) plan.judges.push(m);
    } else if ((RESPONSE_METHOD_NAMES as string[]).includes(m.name)) {
      plan.response.push(createResponseMethod(m));
    } else {
      throw new MethodSpecError(`unknown method "${m.name}" in "${m.spec}" (known: ${METHOD_NAMES.join(', ')})`);
    }
  }
  return plan;
}

/** Which lines of scores.jsonl a planned run writes for every record (resuming checks that a record has them all). */
export function plannedLines(plan: MethodPlan): { responses: boolean; comparisons: boolean } {
  const kinds = plan.judges.map((j) => JUDGES[j.name]!.lines);
  return { responses: plan.response.length > 0 || kinds.includes('response'), comparisons: kinds.includes('comparison') };
}

/** Methods that can be recomputed from traces, each checked against the temperatures the run traced. */
export function rescoreMethods(specs: readonly string[], tracedAlphas: readonly number[], run: string): ResponseMethod[] {
  if (specs.length === 0) throw new MethodSpecError('rescore needs at least one method (--methods, --alpha or --gamma)');
  return specs.map((spec) => {
    const parsed = parseMethodSpec(spec);
    if (isJudgeMethod(parsed.name)) {
      throw new MethodSpecError(
        `"${spec}" cannot be rescored: rescore recomputes ${RESPONSE_METHOD_NAMES.join(', ')} from token traces; a judge reads the model's own verdict, so score it with endorm score`,
      );
    }
    const method = createResponseMethod(parsed); // unknown names fail here, listing the known ones
    for (const alpha of method.alphas) {
      if (!tracedAlphas.some((a) => Math.abs(a - alpha) <= 1e-12 * Math.max(1, alpha))) {
        throw new MethodSpecError(
          `${spec} needs α=${alpha}, but ${run} traced only α = ${tracedAlphas.join(', ')}; score again with --alpha ${alpha} (or a method using it) to trace it`,
        );
      }
    }
    return method;
  });
}
