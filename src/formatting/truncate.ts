import type { FormattedResponse } from './format-response.js';

export interface Truncated extends FormattedResponse {
  truncated: boolean;
  droppedPromptTokens: number;
  droppedResponseTokens: number;
}

/**
 * Fits a formatted response into `maxLength` tokens: the prompt loses tokens from the left first (keeping a leading
 * BOS and at least its last token, the state that chooses the first response token), then the response loses tokens
 * from its end.
 */
export function truncateToLength(f: FormattedResponse, maxLength: number, bosTokenId?: number | null): Truncated {
  const excess = f.ids.length - maxLength;
  if (excess <= 0) return { ...f, truncated: false, droppedPromptTokens: 0, droppedResponseTokens: 0 };
  const keepBos = bosTokenId != null && f.ids[0] === bosTokenId && f.responseStart > 1 ? 1 : 0;
  const droppable = Math.max(0, f.responseStart - keepBos - 1);
  const droppedPrompt = Math.min(excess, droppable);
  const prompt = [...f.ids.slice(0, keepBos), ...f.ids.slice(keepBos + droppedPrompt, f.responseStart)];
  let response = f.ids.slice(f.responseStart);
  const droppedResponse = Math.max(0, prompt.length + response.length - maxLength);
  if (droppedResponse >= response.length) {
    throw new RangeError(`--max-length ${maxLength} leaves no room for the response after ${prompt.length} prompt token(s)`);
  }
  response = response.slice(0, response.length - droppedResponse);
  return {
    ids: [...prompt, ...response],
    responseStart: prompt.length,
    eotTokens: Math.max(0, f.eotTokens - droppedResponse),
    truncated: true,
    droppedPromptTokens: droppedPrompt,
    droppedResponseTokens: droppedResponse,
  };
}
