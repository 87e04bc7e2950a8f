import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InspectResult } from '../inspect/inspect-response.js';
import { renderTokens } from './inspect.js';

// Two tokens at α = 1: shares (log π) −1 and −3, so endorm = −4; V(s_1) = 10, so the rewards sum to 6.
const result: InspectResult = {
  tokens: [
    { id: 5, text: ' a', logit: 9, logprob: -1, value: 10, reward: 2 },
    { id: 6, text: ' b', logit: 5, logprob: -3, value: 8, reward: 4 },
  ],
  outcome: { endorm: -4, loglik: -4 },
};

test("inspect's console says how the reward column relates to the endorm outcome (Σ r_h = endorm + V(s_1))", () => {
  const text = renderTokens(result, false);
  assert.match(text, /endorm +-4\.0000\n/);
  assert.match(text, /the reward column sums to 6\.0000 = endorm \+ V\(s_1\), the prompt's value 10\.0000/);
});

test("inspect's colours are centred on the mean share per token: above it green, below it red", () => {
  const text = renderTokens(result, true, { alpha: 1 });
  const codes = [...text.matchAll(/\x1b\[48;5;(\d+)m/g)].map((m) => Number(m[1]));
  // Mean share −2: ' a' (−1) is a full step above (green 16 + 6·5 = 46), ' b' (−3) a full step below (red 16 + 36·5 = 196).
  assert.deepEqual(codes, [46, 196]);
  // Against another centre (the mean over a rival response too), both can sit above it.
  const against = [...renderTokens(result, true, { alpha: 1, centre: -5 }).matchAll(/\x1b\[48;5;(\d+)m/g)].map((m) => Number(m[1]));
  assert.ok(against.every((c) => c < 52 && c > 16), String(against));
});
