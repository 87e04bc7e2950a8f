import { prepareJudge, type JudgeOptions } from '../judges/judge-task.js';
import { JudgePromptError, loadJudgePrompt, type JudgePrompt } from '../judges/prompt-template.js';
import { MethodSpecError, type MethodSpec } from '../rewards/method-spec.js';
import type { TaskBuilder } from '../tasks/work-item.js';
import { isJudgeMethod, JUDGE_METHOD_NAMES, JUDGES } from './method-registry.js';

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
