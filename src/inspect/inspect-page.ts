import type { InspectResult } from './inspect-response.js';
import type { TokenViewPage, TokenViewResponse } from './token-view-html.js';

/** The per-token page of `endorm inspect --html`: the response, and beside it the rejected one when given. */
export function inspectPage(o: { model: string; prompt: string; system?: string; alpha: number; response: InspectResult; rejected?: InspectResult }): TokenViewPage {
  const responses: TokenViewResponse[] = [{ role: 'chosen', index: 0, title: '--response', tokens: o.response.tokens, scores: o.response.outcome }];
  if (o.rejected) responses.push({ role: 'rejected', index: 0, title: '--rejected', tokens: o.rejected.tokens, scores: o.rejected.outcome });
  const details: [string, string][] = [
    ['Model', o.model],
    ['Prompt', o.prompt],
  ];
  if (o.system) details.push(['System', o.system]);
  return { title: 'endorm inspect', details, alpha: o.alpha, responses };
}
