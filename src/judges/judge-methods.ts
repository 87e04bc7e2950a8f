import type { TaskBuilder } from '../run/work-item.js';
import { MethodSpecError, parseMethodSpec, rejectUnknownParams, type MethodSpec } from '../rewards/method-spec.js';
import { createResponseMethod, RESPONSE_METHOD_NAMES, type ResponseMethod } from '../rewards/response-methods.js';
import { pairwiseJudgeBuilder } from './judge-pairwise.js';
import { pointwiseJudgeBuilder } from './judge-pointwise.js';
import type { JudgeOptions } from './judge-task.js';
import { JudgePromptError } from './prompt-template.js';
import { verifierBuilder } from './verifier.js';

const JUDGES: Record<string, (o: JudgeOptions) => TaskBuilder> = {
  'judge-pairwise': pairwiseJudgeBuilder,
  'judge-pointwise': pointwiseJudgeBuilder,
  verifier: verifierBuilder,
};

/** The LLM-as-a-judge baselines, asked of the same model: `--methods judge-pairwise,judge-pointwise,verifier`. */
export const JUDGE_METHOD_NAMES = Object.keys(JUDGES);

/** Every name `--methods` takes. */
export const METHOD_NAMES = [...RESPONSE_METHOD_NAMES, ...JUDGE_METHOD_NAMES];

export function isJudgeMethod(name: string): boolean {
  return name in JUDGES;
}

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

export function judgeTaskBuilder(name: string, o: JudgeOptions): TaskBuilder {
  const build = JUDGES[name];
  if (!build) throw new MethodSpecError(`unknown judge "${name}" (known: ${JUDGE_METHOD_NAMES.join(', ')})`);
  return build(o);
}

/**
 * `--judge-prompt` values: `judge=FILE`, or a bare `FILE` when exactly one judge runs. Returns judge name -> file.
 */
export function judgePromptFiles(values: readonly string[], judges: readonly string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const named = eq > 0 && isJudgeMethod(value.slice(0, eq));
    let judge: string;
    let file: string;
    if (named) {
      judge = value.slice(0, eq);
      file = value.slice(eq + 1);
    } else if (judges.length === 1) {
      judge = judges[0]!;
      file = value;
    } else {
      throw new JudgePromptError(
        `--judge-prompt ${value}: name the judge (JUDGE=FILE, one of ${JUDGE_METHOD_NAMES.join(', ')})` +
          (judges.length ? ` since ${judges.length} judges run` : ''),
      );
    }
    if (!judges.includes(judge)) throw new JudgePromptError(`--judge-prompt ${value}: ${judge} is not among --methods`);
    if (judge in files) throw new JudgePromptError(`--judge-prompt: two prompts for ${judge}`);
    if (!file) throw new JudgePromptError(`--judge-prompt ${value}: no file`);
    files[judge] = file;
  }
  return files;
}
