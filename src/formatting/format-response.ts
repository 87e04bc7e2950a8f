import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../datasets/pair.js';
import { ModelError } from '../model/model-errors.js';
import { pythonRstrip } from './python-whitespace.js';

export type TemplateMode = 'chat' | 'none';

/** Token ids of prompt + response, and where the scored response span starts. */
export interface FormattedResponse {
  ids: number[];
  /** Index in `ids` of the first scored token; everything before is the prompt (state s_1 ends at responseStart - 1). */
  responseStart: number;
  /** Trailing template tokens (end of turn) inside the scored span. */
  eotTokens: number;
}

export interface FormatInput {
  template: TemplateMode;
  system?: string;
  prompt: string | ChatMessage[];
  response: string;
  /** Score the end-of-turn token(s) the chat template appends after the response (default true). */
  scoreEot?: boolean;
}

/**
 * `auto` means chat when the tokenizer's template actually renders roles; base models' templates only join texts.
 * `chat` on a tokenizer without any template is the model's shortcoming, said when the model loads (exit 4), not at
 * the first record, where it would read as a fault of the dataset. `tokenizerName` names it in that message.
 */
export function resolveTemplate(tokenizer: PreTrainedTokenizer, mode: 'auto' | TemplateMode, tokenizerName?: string): TemplateMode {
  if (mode === 'chat' && !hasChatTemplate(tokenizer)) {
    const named = tokenizerName === undefined ? 'the tokenizer' : `the tokenizer of ${tokenizerName}`;
    throw new ModelError(
      `--template chat: ${named} has no chat template (no "chat_template" in its tokenizer_config.json), so prompts and ` +
        'responses cannot be rendered as chat turns; use --template none (plain text, as lm-evaluation-harness scores a base model) or --template auto',
    );
  }
  if (mode !== 'auto') return mode;
  const template = tokenizer.chat_template;
  const text = typeof template === 'string' ? template : JSON.stringify(template ?? '');
  return /\brole\b/.test(text) ? 'chat' : 'none';
}

function hasChatTemplate(tokenizer: PreTrainedTokenizer): boolean {
  const template = tokenizer.chat_template as unknown;
  if (typeof template === 'string') return template.trim() !== '';
  return template !== null && template !== undefined && (typeof template !== 'object' || Object.keys(template).length > 0);
}

export function formatResponse(tokenizer: PreTrainedTokenizer, input: FormatInput): FormattedResponse {
  return input.template === 'chat' ? dropDoubleBos(tokenizer, formatChat(tokenizer, input)) : formatPlainText(tokenizer, plainText(input));
}

/** The conversation up to the response, as chat messages. */
export function promptMessages(system: string | undefined, prompt: string | ChatMessage[]): ChatMessage[] {
  const turns: ChatMessage[] = typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : [...prompt];
  return system !== undefined && system !== '' && turns[0]?.role !== 'system' ? [{ role: 'system', content: system }, ...turns] : turns;
}

/**
 * The prompt rendered with the generation prompt, then the response tokenised on its own: exactly the tokens the model
 * would have generated after the generation prompt, followed by the template's end-of-turn tokens.
 */
function formatChat(tokenizer: PreTrainedTokenizer, input: FormatInput): FormattedResponse {
  const messages = promptMessages(input.system, input.prompt);
  const prefix = renderChat(tokenizer, messages, true);
  const full = renderChat(tokenizer, [...messages, { role: 'assistant', content: input.response }], false);
  if (!full.startsWith(prefix)) {
    throw new Error('the chat template renders the assistant turn differently from its generation prompt; use --template none');
  }
  const suffix = full.slice(prefix.length);
  // Templates often trim the content; the tail after the response's last character is the end-of-turn marker.
  const content = input.response.trim();
  const at = content ? suffix.lastIndexOf(content) : -1;
  // Without the content in the rendering (an empty response, or a template that rewrites it) nothing counts as tail.
  const body = at >= 0 ? suffix.slice(0, at + content.length) : content ? suffix : '';
  const tail = suffix.slice(body.length);
  const prefixIds = encode(tokenizer, prefix, false);
  const bodyIds = encode(tokenizer, body, false);
  const tailIds = input.scoreEot === false ? [] : encode(tokenizer, tail, false);
  return { ids: [...prefixIds, ...bodyIds, ...tailIds], responseStart: prefixIds.length, eotTokens: tailIds.length };
}

/** Raw text as lm-evaluation-harness splits it: the context, and the continuation whose likelihood is scored. */
export interface PlainText {
  context: string;
  continuation: string;
}

/**
 * The prompt (system first, turns joined by blank lines) is the context and the response the continuation; trailing
 * whitespace of the context moves to the continuation, by Python's `str.rstrip()` as the harness's `_encode_pair` does.
 */
export function plainText(input: Pick<FormatInput, 'system' | 'prompt' | 'response'>): PlainText {
  const promptText = typeof input.prompt === 'string' ? input.prompt : input.prompt.map((m) => m.content).join('\n\n');
  const context = input.system ? `${input.system}\n\n${promptText}` : promptText;
  const trimmed = pythonRstrip(context);
  return { context: trimmed, continuation: context.slice(trimmed.length) + input.response };
}

/**
 * The tokens lm-evaluation-harness feeds for a continuation (`_encode_pair`): encode(context), then the tokens of
 * encode(context + continuation) after the first len(encode(context)). Where the context's last word merges with the
 * continuation's first characters, the fed context is still encode(context), not a prefix of encode(whole).
 */
export function formatPlainText(tokenizer: PreTrainedTokenizer, text: PlainText): FormattedResponse {
  const contextIds = encode(tokenizer, text.context, true);
  if (contextIds.length === 0) {
    throw new Error('the prompt is empty and the tokenizer adds no BOS token, so the first response token has no state');
  }
  const whole = encode(tokenizer, text.context + text.continuation, true);
  const continuationIds = whole.slice(contextIds.length);
  return dropDoubleBos(tokenizer, { ids: [...contextIds, ...continuationIds], responseStart: contextIds.length, eotTokens: 0 });
}

/** Chat turns as the tokenizer's template writes them (as text), with the assistant's generation prompt by default. */
export function renderChat(tokenizer: PreTrainedTokenizer, messages: ChatMessage[], addGenerationPrompt = true): string {
  return tokenizer.apply_chat_template(messages as unknown as Parameters<PreTrainedTokenizer['apply_chat_template']>[0], {
    tokenize: false,
    add_generation_prompt: addGenerationPrompt,
  }) as string;
}

export function encode(tokenizer: PreTrainedTokenizer, text: string, addSpecialTokens: boolean): number[] {
  if (text === '') return addSpecialTokens ? Array.from(tokenizer.encode('', { add_special_tokens: true })).map(Number) : [];
  return Array.from(tokenizer.encode(text, { add_special_tokens: addSpecialTokens })).map(Number);
}

/** A template that writes BOS itself plus a tokenizer that adds one would start with two; the model saw one. */
function dropDoubleBos(tokenizer: PreTrainedTokenizer, f: FormattedResponse): FormattedResponse {
  const bos = (tokenizer as unknown as { bos_token_id?: number | null }).bos_token_id;
  if (bos == null || f.ids.length < 2 || f.ids[0] !== bos || f.ids[1] !== bos || f.responseStart < 2) return f;
  return { ...f, ids: f.ids.slice(1), responseStart: f.responseStart - 1 };
}
