import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenView } from './inspect-response.js';
import { renderTokenViewHtml, rewardScale } from './token-view-html.js';

const token = (text: string, reward: number): TokenView => ({ id: 7, text, logit: 1.5, logprob: -0.25, value: 2.75, reward });

test('each token is a span shaded by its reward on one page-wide scale, with logit, log π and V on hover', () => {
  const html = renderTokenViewHtml({
    title: 'p1',
    details: [['Record', 'p1 <x>']],
    alpha: 0.5,
    responses: [
      { role: 'chosen', index: 0, tokens: [token(' good', 2), token('\n', 0)], scores: { endorm: 2 } },
      { role: 'rejected', index: 0, tokens: [token(' bad', -2), token(' <b>', -1)], scores: { endorm: -3 } },
    ],
  });
  const spans = [...html.matchAll(/<span class="tok" style="background:(rgb\([^)]*\));color:[^"]*" title="([^"]*)">/g)];
  assert.equal(spans.length, 4);
  // Full blue for +2, white-ish for 0, full red for −2 (the 95th percentile of |r| here is 2).
  assert.deepEqual(spans.map((s) => s[1]), ['rgb(37,99,168)', 'rgb(247,247,247)', 'rgb(202,62,54)', 'rgb(225,155,151)']);
  assert.match(spans[0]![2]!, /r_h = 2&#10;|r_h = 2\n/);
  assert.ok(spans[0]![2]!.includes('logit f(s_h, a_h) = 1.500'));
  assert.ok(spans[0]![2]!.includes('log π_0.5(a_h | s_h) = -0.250'));
  assert.ok(spans[0]![2]!.includes('V(s_h) = 2.750'));
  assert.ok(html.includes('↵\n'), 'a newline token is drawn as well as kept');
  assert.ok(html.includes('&#60;b&#62;') && !html.includes(' <b></span>'), 'token text is escaped');
  assert.ok(html.includes('p1 &#60;x&#62;'));
  assert.ok(html.indexOf('>chosen<') < html.indexOf('>rejected<'));
});

test('the full-colour reward is the 95th percentile of |r_h|, so one extreme token does not wash out the rest', () => {
  const rewards = [...Array.from({ length: 99 }, (_, i) => (i % 2 ? 1 : -1) * (i / 98)), 1000];
  assert.equal(rewardScale(rewards), 95 / 98);
  assert.equal(rewardScale([]), 1);
  assert.equal(rewardScale([0, 0]), 1);
});
