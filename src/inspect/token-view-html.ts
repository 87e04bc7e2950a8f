import { escapeHtml } from '../render/format.js';
import { card, htmlPage } from '../render/html-page.js';
import { mix, rgbText, type Rgb } from '../util/colour.js';
import type { TokenView } from './inspect-response.js';
import { meanShare, scoreFromTokens, shadeScale, tokenShare } from './token-shares.js';

/** One response as the page shows it. */
export interface TokenViewResponse {
  role: 'chosen' | 'rejected';
  index: number;
  /** E.g. RM-Bench's style name, shown after the role. */
  label?: string;
  /** The block's heading instead of role and label. */
  title?: string;
  tokens: TokenView[];
  /** Method spec -> score, shown under the text. */
  scores?: Record<string, number>;
  truncated?: boolean;
}

export interface TokenViewPage {
  title: string;
  /** Label -> value lines above the responses (model, dataset, record). */
  details: [string, string][];
  alpha: number;
  responses: TokenViewResponse[];
  /** Each method's verdict on the record, as console lines (see record-verdicts.ts). */
  verdicts?: string[];
  notes?: string[];
}

/** Responses with more scores than this show them folded. */
const OPEN_SCORES = 6;

const NEGATIVE: Rgb = [202, 62, 54];
const NEUTRAL: Rgb = [247, 247, 247];
const POSITIVE: Rgb = [37, 99, 168];

/** Where a page's shading is centred and how far full colour is (see token-shares.ts for why the share, not r_h). */
interface Shading {
  alpha: number;
  centre: number;
  scale: number;
}

/**
 * A self-contained page with chosen and rejected responses side by side (one row per style index), each token shaded
 * by its share of the endorm score against the page's mean share per token, on one scale for the whole page, so that
 * shades compare across responses; hovering a token shows its logit, log π, V and r_h.
 */
export function renderTokenViewHtml(page: TokenViewPage): string {
  const centre = meanShare(page.responses, page.alpha);
  const shading: Shading = { alpha: page.alpha, centre, scale: shadeScale(page.responses.flatMap((r) => r.tokens.map((t) => tokenShare(t, page.alpha) - centre))) };
  const indices = [...new Set(page.responses.map((r) => r.index))].sort((a, b) => a - b);
  const rows = indices.map((index) => {
    const cell = (role: 'chosen' | 'rejected') => {
      const r = page.responses.find((x) => x.role === role && x.index === index);
      return r ? responseBlock(r, shading) : '<div class="resp empty">—</div>';
    };
    return `<div class="pair-row">${cell('chosen')}${cell('rejected')}</div>`;
  });
  const details = `<dl class="meta">${page.details.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
  const notes = page.notes?.length ? card('Notes', `<ul class="notes">${page.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`) : '';
  const a = escapeHtml(String(page.alpha));
  const body = [
    `<header class="top"><div class="overline">endorm per-token reward</div><h1>${escapeHtml(page.title)}</h1></header>`,
    card('Record', details),
    ...(page.verdicts?.length ? [card('Verdicts', `<pre class="verdicts">${escapeHtml(page.verdicts.join('\n'))}</pre>`, 'Each method on this record: ✓ the chosen response scored higher, ✗ lower, = a tie (never right). A pairwise judge shows both orders: the chosen response shown first, then second.')] : []),
    card(
      'Responses',
      `${legendBar(shading)}<div class="pair-row head"><div>Chosen</div><div>Rejected</div></div>${rows.join('\n')}`,
      `Each token a<sub>h</sub> is shaded by its share of the endorm score, α·log π<sub>α</sub>(a<sub>h</sub> | s<sub>h</sub>) = f(s<sub>h</sub>, a<sub>h</sub>) − V(s<sub>h</sub>), V(s) = α·logsumexp(f(s, ·)/α), α = ${a}: the shares of a response sum to its <code>endorm</code> score (γ = 1). The shading is centred on the mean share per token over the responses on this page, so blue tokens pull a response above that mean and red ones below it. The endogenous reward r<sub>h</sub> = f(s<sub>h</sub>, a<sub>h</sub>) − V(s<sub>h+1</sub>) (V after the last token taken as 0) is on hover with the logit, log π and V: Σ r<sub>h</sub> = endorm + V(s<sub>1</sub>), the prompt's value, the same for every response to this prompt.`,
    ),
    notes,
  ];
  return htmlPage(page.title, body.join('\n')).replace('</style>', `${CSS}</style>`);
}

function responseBlock(r: TokenViewResponse, shading: Shading): string {
  const { score, sumReward, promptValue } = scoreFromTokens(r.tokens, shading.alpha);
  const tokens = r.tokens.map((t, h) => tokenSpan(t, h, shading)).join('');
  const entries = Object.entries(r.scores ?? {});
  const table = `<table class="scores">${entries.map(([spec, v]) => `<tr><td><code>${escapeHtml(spec)}</code></td><td class="num">${fmt(v)}</td></tr>`).join('')}</table>`;
  // A settings sweep gives a response dozens of scores; they would push the next row of responses off the screen.
  const scores = entries.length === 0 ? '' : entries.length <= OPEN_SCORES ? table : `<details class="scores"><summary>${entries.length} scores</summary>${table}</details>`;
  const title = r.title ?? `${r.role}${r.label ? ` · ${r.label}` : ''}`;
  const sum = `Σ α·log π<sub>α</sub> ${fmt(score)} <span class="muted">(= Σ r<sub>h</sub> ${fmt(sumReward)} − V(s<sub>1</sub>) ${fmt(promptValue)})</span>`;
  return `<div class="resp ${r.role}">
<div class="resp-head"><b>${escapeHtml(title)}</b>${r.truncated ? '<span class="tag">truncated</span>' : ''}<span class="stat">${r.tokens.length} tokens · ${sum}</span></div>
<div class="tokens">${tokens}</div>
${scores}
</div>`;
}

function tokenSpan(t: TokenView, h: number, shading: Shading): string {
  const share = tokenShare(t, shading.alpha);
  const x = Math.max(-1, Math.min(1, (share - shading.centre) / shading.scale));
  const rgb = x < 0 ? mix(NEUTRAL, NEGATIVE, -x) : mix(NEUTRAL, POSITIVE, x);
  const ink = Math.abs(x) > 0.55 ? '#fff' : '#1d2330';
  const tip = [
    `#${h + 1} ${JSON.stringify(t.text)} (id ${t.id})`,
    `α·log π_α = ${fmt(share)} (page mean ${fmt(shading.centre)})`,
    `r_h = ${fmt(t.reward)}`,
    `logit f(s_h, a_h) = ${fmt(t.logit)}`,
    `log π_${shading.alpha}(a_h | s_h) = ${fmt(t.logprob)}`,
    `V(s_h) = ${fmt(t.value)}`,
  ].join('\n');
  // Newlines and tabs would be invisible (or collapse) inside a shaded token, so they are drawn as well as kept.
  const shown = escapeHtml(t.text).replace(/\n/g, '↵\n').replace(/\t/g, '⇥\t');
  return `<span class="tok" style="background:${rgbText(rgb)};color:${ink}" title="${escapeHtml(tip)}">${shown === '' ? '<span class="zw">∅</span>' : shown}</span>`;
}

function legendBar(shading: Shading): string {
  const stops = [-1, -0.5, 0, 0.5, 1].map((x) => {
    const rgb = x < 0 ? mix(NEUTRAL, NEGATIVE, -x) : mix(NEUTRAL, POSITIVE, x);
    return `${rgbText(rgb)} ${((x + 1) / 2) * 100}%`;
  });
  const low = fmt(shading.centre - shading.scale);
  const high = fmt(shading.centre + shading.scale);
  return `<div class="scale"><span>α·log π<sub>α</sub> ≤ ${low}</span><span class="bar" style="background:linear-gradient(90deg, ${stops.join(', ')})"></span><span>≥ ${high}</span><span class="muted">(white: the page's mean per token, ${fmt(shading.centre)}; α = ${escapeHtml(String(shading.alpha))}; full colour at the 95th percentile of the distance from it)</span></div>`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1000 ? x.toFixed(1) : x.toFixed(3);
}

const CSS = `
dl.meta dd{white-space:pre-wrap;max-height:16em;overflow-y:auto}
.pair-row{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin:0 0 14px}
.pair-row.head{margin-bottom:6px;font-size:11.5px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.resp{border:1px solid var(--line);border-radius:8px;padding:10px 12px;min-width:0}
.resp.chosen{border-top:3px solid #2563a8}
.resp.rejected{border-top:3px solid #ca3e36}
.resp.empty{color:var(--muted);text-align:center}
.resp-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;margin-bottom:8px}
.resp-head .stat{color:var(--muted);font-size:12.5px;margin-left:auto;font-variant-numeric:tabular-nums}
.tokens{font:13px/1.75 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.tok{border-radius:2px;padding:1px 0;box-shadow:inset 0 0 0 .5px rgba(29,35,48,.12)}
.tok:hover{outline:2px solid #1d2330}
.zw{opacity:.4}
pre.verdicts{font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0;overflow-x:auto}
table.scores{margin-top:10px;width:auto;font-size:12.5px}
table.scores td{padding:2px 14px 2px 0;border:none}
.scale{display:flex;align-items:center;gap:10px;margin:0 0 14px;font-size:12.5px;flex-wrap:wrap}
.scale .bar{display:inline-block;width:220px;height:12px;border-radius:3px;border:1px solid var(--line)}
.muted{color:var(--muted)}
details.scores{margin-top:8px;font-size:12.5px}details.scores>summary{cursor:pointer;color:var(--muted)}
@media (max-width:760px){.pair-row{grid-template-columns:1fr}}
`;
