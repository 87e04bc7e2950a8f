import type { TaskBuilder } from '../run/work-item.js';
import { MethodSpecError, parseMethodSpec, rejectUnknownParams, type MethodSpec } from '../rewards/method-spec.js';
import { createResponseMethod, RESPONSE_METHOD_NAMES, type ResponseMethod } from '../rewards/response-methods.js';
import { PAIRWISE_LABELS, pairwiseJudgeTasks } from './judge-pairwise.js';
import { RATING_LABELS, ratingVerdict } from './judge-pointwise.js';
import { prepareJudge, responseJudgeBuilder, type JudgeOptions, type PreparedJudge } from './judge-task.js';
import type { LabelSpec } from './label-tokens.js';
import { JudgePromptError, loadJudgePrompt, type JudgePrompt } from './prompt-template.js';
import { VERIFIER_LABELS, verifierVerdict } from './verifier.js';

interface JudgeKind {
  labels: LabelSpec[];
  tasks(judge: PreparedJudge): TaskBuilder;
  /** The scores.jsonl lines it writes: scores on response lines, or one comparison line per chosen × rejected cell. */
  lines: 'response' | 'comparison';
}

const JUDGES: Record<string, JudgeKind> = {
  'judge-pairwise': { labels: PAIRWISE_LABELS, tasks: pairwiseJudgeTasks, lines: 'comparison' },
  'judge-pointwise': { labels: RATING_LABELS, tasks: (j) => responseJudgeBuilder(j, ratingVerdict), lines: 'response' },
  verifier: { labels: VERIFIER_LABELS, tasks: (j) => responseJudgeBuilder(j, verifierVerdict), lines: 'response' },
};

/** The LLM-as-a-judge baselines, asked of the same model: `--methods judge-pairwise,judge-pointwise,verifier`. */
export const JUDGE_METHOD_NAMES = Object.keys(JUDGES);

/** Every name `--methods` takes. */
export const METHOD_NAMES = [...RESPONSE_METHOD_NAMES, ...JUDGE_METHOD_NAMES];

export function isJudgeMethod(name: string): boolean {
  return name in JUDGES;
}

/** Which lines of scores.jsonl a planned run writes for every record (resuming checks that a record has them all). */
export function plannedLines(plan: MethodPlan): { responses: boolean; comparisons: boolean } {
  const kinds = plan.judges.map((j) => JUDGES[j.name]!.lines);
  return { responses: plan.response.length > 0 || kinds.includes('response'), comparisons: kinds.includes('comparison') };
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

/** What run.json records of a judge: its prompt file and hash, the answer prefix and the label tokens. */
export interface JudgeSettings {
  prompt: string;
  sha256: string;
  answerPrefix: string;
  /** Label -> token ids of each variant after the answer prefix. */
  labels: Record<string, number[][]>;
}

/** A judge ready for the pipeline, with what run.json says about it. */
export interface Judge {
  spec: string;
  builder: TaskBuilder;
  settings: JudgeSettings;
}

/** Resolves a judge's labels with the model's tokenizer and checks its prompt against --max-length. */
export function createJudge(name: string, o: JudgeOptions): Judge {
  const kind = JUDGES[name];
  if (!kind) throw new MethodSpecError(`unknown judge "${name}" (known: ${JUDGE_METHOD_NAMES.join(', ')})`);
  const prepared = prepareJudge(o, kind.labels);
  return {
    spec: o.spec,
    builder: kind.tasks(prepared),
    settings: { prompt: o.prompt.source, sha256: o.prompt.sha256, answerPrefix: o.prompt.answer, labels: prepared.reader.describe() },
  };
}

/** Reads every planned judge's prompt (the shipped file, or the one `files` names), before the model loads. */
export async function loadJudgePrompts(judges: readonly MethodSpec[], files: Readonly<Record<string, string>> = {}): Promise<Map<string, JudgePrompt>> {
  for (const judge of Object.keys(files)) {
    if (!judges.some((j) => j.name === judge)) throw new JudgePromptError(`--judge-prompt for ${judge}, which is not among --methods`);
  }
  const prompts = new Map<string, JudgePrompt>();
  for (const j of judges) if (!prompts.has(j.name)) prompts.set(j.name, await loadJudgePrompt(j.name, files[j.name]));
  return prompts;
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
