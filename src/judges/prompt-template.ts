import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/** A judge prompt file is unusable: unreadable, a missing section, an unknown or missing placeholder. */
export class JudgePromptError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'JudgePromptError';
}

/**
 * A judge prompt as shipped in `prompts/<judge>.txt` or given with `--judge-prompt`. The file is plain text in
 * sections:
 *
 *     # comment lines (only before the first section)
 *     [system]        optional: the system turn
 *     [user]          the user turn: the judging instruction with its placeholders
 *     [answer]        the start of the model's reply, after which the verdict label is read
 *
 * A section's text runs to the next section marker (a line that is exactly `[system]`, `[user]` or `[answer]`); its
 * leading and trailing line breaks are dropped, spaces are kept. Placeholders are `{name}` with a lower-case name;
 * they are replaced once, so a response that contains `{answer_b}` stays as written.
 */
export interface JudgePrompt {
  /** Which judge the prompt is for (`judge-pairwise`, `judge-pointwise`, `verifier`). */
  judge: string;
  /** `prompts/<judge>.txt` for the shipped file, else the path as given. */
  source: string;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
  system?: string;
  user: string;
  answer: string;
}

/** The placeholders each judge fills; every one must appear in the prompt (in [system] or [user]). */
export const JUDGE_PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'judge-pairwise': ['question', 'answer_a', 'answer_b'],
  'judge-pointwise': ['question', 'answer'],
  verifier: ['question', 'answer'],
});

const SECTIONS = ['system', 'user', 'answer'] as const;
type Section = (typeof SECTIONS)[number];

/** The shipped prompt file of a judge, resolved from the package root (works from src/ and dist/ alike). */
export function builtinPromptPath(judge: string): string {
  return fileURLToPath(new URL(`../../prompts/${judge}.txt`, import.meta.url));
}

/** Reads a judge's prompt: the shipped one, or `file` when given. */
export async function loadJudgePrompt(judge: string, file?: string): Promise<JudgePrompt> {
  const path = file ?? builtinPromptPath(judge);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new JudgePromptError(`cannot read the ${judge} prompt ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseJudgePrompt(judge, bytes.toString('utf8'), file ?? `prompts/${judge}.txt`, createHash('sha256').update(bytes).digest('hex'));
}

export function parseJudgePrompt(judge: string, text: string, source: string, sha256?: string): JudgePrompt {
  const placeholders = JUDGE_PLACEHOLDERS[judge];
  if (!placeholders) throw new JudgePromptError(`no judge named ${judge}`);
  const sections: Partial<Record<Section, string[]>> = {};
  let current: string[] | undefined;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, i) => {
    const marker = /^\[(system|user|answer)\]$/.exec(line.trimEnd());
    if (marker) {
      const name = marker[1] as Section;
      if (sections[name]) throw new JudgePromptError(`${source}:${i + 1}: section [${name}] appears twice`);
      current = sections[name] = [];
    } else if (current) {
      current.push(line);
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      throw new JudgePromptError(`${source}:${i + 1}: text before the first section (start with [system] or [user]; comments start with #)`);
    }
  });
  const body = (name: Section) => sections[name]?.join('\n').replace(/^\n+|\n+$/g, '');
  const user = body('user');
  const answer = body('answer');
  if (!user) throw new JudgePromptError(`${source}: no [user] section (the judging instruction)`);
  if (answer === undefined) throw new JudgePromptError(`${source}: no [answer] section (the start of the reply before the verdict)`);
  const system = body('system');
  const prompt: JudgePrompt = {
    judge,
    source,
    sha256: sha256 ?? createHash('sha256').update(text).digest('hex'),
    ...(system ? { system } : {}),
    user,
    answer,
  };
  const used = new Set<string>();
  for (const [name, part] of [['system', system], ['user', user], ['answer', answer]] as const) {
    for (const key of placeholderNames(part ?? '')) {
      if (!placeholders.includes(key)) {
        throw new JudgePromptError(`${source}: unknown placeholder {${key}} in [${name}] (${judge} fills ${placeholders.map((p) => `{${p}}`).join(', ')})`);
      }
      if (name === 'answer') throw new JudgePromptError(`${source}: placeholders are not allowed in [answer] (found {${key}})`);
      used.add(key);
    }
  }
  const missing = placeholders.filter((p) => !used.has(p));
  if (missing.length) throw new JudgePromptError(`${source}: the ${judge} prompt must use ${missing.map((p) => `{${p}}`).join(', ')}`);
  return prompt;
}

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Replaces `{name}` placeholders in one pass; text inside the values is never re-read. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name]! : whole));
}
