import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { marked, type Token, type Tokens } from 'marked';
import { mdCell, mdCodeBlock, mdInlineCode, mdText } from '../render/format.js';
import type { RunManifest } from '../run-store/run-manifest.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';

// Issue 19, 13: a group name or label `[x](javascript:…)` stayed a live link in report.md, and the command line showed
// `\|` inside a code span, so that pasting it into a shell changed the argument.
const HOSTILE = ['[x](javascript:alert(1))', '![i](javascript:alert(2))', '\\[x](javascript:alert(3))', '[x][r]\n\n[r]: javascript:alert(4)', '<https://e.x>[a](b)'];

/** The HTML marked (CommonMark + GFM) makes of `markdown`, and its text with tags removed and entities decoded. */
function rendered(markdown: string): { html: string; text: string } {
  const html = marked.parse(markdown, { async: false });
  const text = html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .trim();
  return { html, text };
}

test('text from outside endorm shows link and image syntax as text in a paragraph, a list item and a table cell', () => {
  for (const raw of HOSTILE) {
    const shown = raw.replace(/\r?\n/g, ' ');
    for (const [where, markdown, text] of [
      ['paragraph', mdText(raw), shown],
      ['list item', `- **Group:** ${mdText(raw)}`, `Group: ${shown}`],
      ['table cell', `| a | b |\n|---|---|\n| ${mdCell(raw)} | 1 |`, `a b ${shown} 1`],
    ] as const) {
      const r = rendered(markdown);
      assert.doesNotMatch(r.html, /<a |<img /, `${where}: ${raw} -> ${r.html}`);
      assert.equal(r.text.replace(/\s+/g, ' '), text.replace(/\s+/g, ' '), where);
    }
  }
});

test('inline code outside a table and a code block show their text exactly, pipes and backticks included', () => {
  for (const raw of ['a|b', 'x `y` z', '`start', ' spaced ', "endorm score --methods 'endorm:alpha=0.5|b' --out 'r `1`'"]) {
    const [token] = marked.lexer(mdInlineCode(raw))[0]!.type === 'paragraph' ? (marked.lexer(mdInlineCode(raw))[0] as Tokens.Paragraph).tokens : [];
    assert.equal(token?.type, 'codespan', raw);
    const text = (token as Tokens.Codespan).text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    assert.equal(text, raw);
  }
  for (const raw of ['one line', 'a\nb', 'x ``` y\n```\nz']) {
    const block = marked.lexer(['- **Command:**', '', ...mdCodeBlock(raw, 'sh', '  ')].join('\n'));
    const code = findToken(block, 'code') as Tokens.Code | undefined;
    assert.equal(code?.text, raw);
  }
});

function findToken(tokens: Token[], type: string): Token | undefined {
  for (const t of tokens) {
    if (t.type === type) return t;
    const inner = (t as { tokens?: Token[]; items?: Token[] }).tokens ?? (t as { items?: Token[] }).items;
    const found = inner && findToken(inner, type);
    if (found) return found;
  }
  return undefined;
}

test("report.md of a run: a hostile group name is no link, and the command line's block parses back, in a shell, to the run's argv", async () => {
  process.env.ENDORM_CACHE = tempCacheDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-md-'));
  const group = '[x](javascript:alert(1))';
  const records = fs.readFileSync(path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl'), 'utf8').trim().split('\n').slice(0, 3);
  const dataset = path.join(tmp, 'groups.jsonl');
  fs.writeFileSync(dataset, records.map((l, i) => JSON.stringify({ ...JSON.parse(l), group: i === 0 ? group : 'plain' })).join('\n') + '\n');
  const out = path.join(tmp, 'run |a`b` $HOME \\ "q"');
  const r = await endorm(['score', '--model', STORIES, '--dataset', dataset, '--template', 'none', '--quiet', '--methods', 'endorm,length', '--group-field', 'group', '--out', out]);
  assert.equal(r.code, 0, r.stderr.slice(0, 3000));
  const report = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  const html = rendered(report).html;
  assert.doesNotMatch(html, /javascript:/i.test(html) ? /<a [^>]*javascript:/i : /<a [^>]*javascript:/i);
  assert.ok(rendered(report).text.includes(group), 'the group name is shown as written');

  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as RunManifest;
  const argv = manifest.provenance!.argv!;
  assert.ok(argv.includes(out));
  const code = findToken(marked.lexer(report), 'code') as Tokens.Code;
  assert.equal(code.lang, 'sh');
  assert.doesNotMatch(code.text, /\\\|/);
  // What a shell makes of the pasted line: its words, each ended by NUL.
  const words = execFileSync('sh', ['-c', `printf '%s\\0' ${code.text}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  assert.deepEqual(words, argv);
});
