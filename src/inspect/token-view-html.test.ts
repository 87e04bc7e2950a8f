import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenView } from './inspect-response.js';
import { meanShare, scoreFromTokens, shadeScale } from './token-shares.js';
import { renderTokenViewHtml } from './token-view-html.js';

const token = (text: string, logprob: number, reward = -1, value = 2.75): TokenView => ({ id: 7, text, logit: 1.5, logprob, value, reward });

test("each token is a span shaded by its share α·log π_α against the page's mean share, with r_h, logit, log π and V on hover", () => {
  // α = 0.5: shares −1, −2 (chosen), −3, −2.5 (rejected); their mean, −2.125, is white.
  const html = renderTokenViewHtml({
    title: 'p1',
    details: [['Record', 'p1 <x>']],
    alpha: 0.5,
    responses: [
      { role: 'chosen', index: 0, tokens: [token(' good', -2), token('\n', -4)], scores: { endorm: -3 } },
      { role: 'rejected', index: 0, tokens: [token(' bad', -6), token(' <b>', -5)], scores: { endorm: -5.5 } },
    ],
    verdicts: ['  endorm    1/1 right'],
  });
  const spans = [...html.matchAll(/<span class="tok" style="background:(rgb\([^)]*\));color:[^"]*" title="([^"]*)">/g)];
  assert.equal(spans.length, 4);
  // Deviations +1.125, +0.125, −0.875, −0.375: the 95th percentile of |deviation| is 1.125, so ' good' is full blue.
  assert.equal(spans[0]![1], 'rgb(37,99,168)');
  assert.notEqual(spans[2]![1], 'rgb(202,62,54)');
  assert.match(spans[2]![1]!, /^rgb\(2\d\d,\d+,\d+\)$/, 'below the mean: red side');
  assert.equal(spans[1]![1], 'rgb(224,231,238)', 'a ninth of the way from white to blue (+0.125 of 1.125)');
  assert.ok(spans[0]![2]!.includes('α·log π_α = -1 (page mean -2.125)'));
  assert.ok(spans[0]![2]!.includes('r_h = -1'));
  assert.ok(spans[0]![2]!.includes('logit f(s_h, a_h) = 1.500'));
  assert.ok(spans[0]![2]!.includes('log π_0.5(a_h | s_h) = -2'));
  assert.ok(spans[0]![2]!.includes('V(s_h) = 2.750'));
  assert.match(html, /white: the page's mean per token, -2\.125/);
  assert.ok(html.includes('↵\n'), 'a newline token is drawn as well as kept');
  assert.ok(html.includes('&#60;b&#62;') && !html.includes(' <b></span>'), 'token text is escaped');
  assert.ok(html.includes('p1 &#60;x&#62;'));
  assert.ok(html.indexOf('>chosen<') < html.indexOf('>rejected<'));
  assert.match(html, /<pre class="verdicts">  endorm    1\/1 right<\/pre>/);
});

test("a response's card shows the endorm score as Σ α·log π_α and how Σ r_h relates to it (Σ r_h − V(s_1)), not Σ r_h alone", () => {
  // Two tokens, α = 1: shares −2 and −3 (score −5); V(s_1) = 4, so Σ r_h = −5 + 4 = −1.
  const tokens = [token(' a', -2, 1, 4), token(' b', -3, -2, 3)];
  assert.deepEqual(scoreFromTokens(tokens, 1), { score: -5, sumReward: -1, promptValue: 4 });
  const html = renderTokenViewHtml({ title: 't', details: [], alpha: 1, responses: [{ role: 'chosen', index: 0, tokens }] });
  assert.match(html, /Σ α·log π<sub>α<\/sub> -5 <span class="muted">\(= Σ r<sub>h<\/sub> -1 − V\(s<sub>1<\/sub>\) 4\)<\/span>/);
});

test('the full-colour distance is the 95th percentile, so one extreme token does not wash out the rest; the centre is the mean share', () => {
  const deviations = [...Array.from({ length: 99 }, (_, i) => (i % 2 ? 1 : -1) * (i / 98)), 1000];
  assert.equal(shadeScale(deviations), 95 / 98);
  assert.equal(shadeScale([]), 1);
  assert.equal(shadeScale([0, 0]), 1);
  assert.equal(meanShare([{ tokens: [{ logprob: -1 }, { logprob: -3 }] }, { tokens: [{ logprob: -5 }] }], 2), -6);
});
