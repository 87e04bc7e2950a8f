import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../cli.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-start-errors-'));
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');

/** stories260K as the Hub's copies ship it: a tokenizer_config.json with no chat_template at all. */
function storiesWithoutChatTemplate(): string {
  const dir = path.join(tmp, 'stories-no-template');
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'special_tokens_map.json']) fs.copyFileSync(path.join(STORIES, f), path.join(dir, f));
  const config = JSON.parse(fs.readFileSync(path.join(STORIES, 'tokenizer_config.json'), 'utf8'));
  delete config.chat_template;
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  fs.copyFileSync(path.join(STORIES, 'onnx', 'model.onnx'), path.join(dir, 'onnx', 'model.onnx'));
  return dir;
}
const NO_TEMPLATE = storiesWithoutChatTemplate();
let outs = 0;
const newOut = () => path.join(tmp, `run-${++outs}`);

test('--template chat on a tokenizer without a chat template: score exits 4 naming the tokenizer and --template none, leaves no run folder, and the fixed command then runs into the same --out', async () => {
  const out = newOut();
  const args = ['score', '-m', NO_TEMPLATE, '-d', SAMPLE, '--limit', '2', '--methods', 'endorm', '-q', '-o', out];
  const { code, stderr } = await endorm([...args, '--template', 'chat']);
  assert.equal(code, EXIT.model, stderr);
  assert.match(stderr, new RegExp(`the tokenizer of ${NO_TEMPLATE.replace(/[/\\.]/g, '\\$&')} has no chat template`));
  assert.match(stderr, /use --template none/);
  assert.doesNotMatch(stderr, /stories-sample\.jsonl:1/, 'not blamed on the dataset');
  assert.equal(fs.existsSync(out), false, 'no run folder');
  const fixed = await endorm([...args, '--template', 'none']);
  assert.equal(fixed.code, EXIT.ok, fixed.stderr);
  assert.ok(fs.existsSync(path.join(out, 'summary.json')));
});

test('--template chat on a tokenizer without a chat template: inspect exits 4 with the same message, no stack trace', async () => {
  const { code, stderr } = await endorm(['inspect', '-m', NO_TEMPLATE, '--template', 'chat', '-p', 'Once upon a time', '-r', ' there was a cat.']);
  assert.equal(code, EXIT.model, stderr);
  assert.match(stderr, /has no chat template .*use --template none/);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
});

test('a JSONL with question/good/bad fields: exit 3 before the model loads, listing the fields and the options that map them, no run folder', async () => {
  const data = path.join(tmp, 'qgb.jsonl');
  fs.writeFileSync(data, JSON.stringify({ question: 'Once upon a time', good: ' a cat sat.', bad: ' sat cat a.' }) + '\n');
  const out = newOut();
  // A model folder that does not exist: had the model been loaded first, this would be exit 4.
  const { code, stderr } = await endorm(['score', '-m', path.join(tmp, 'no-such-model'), '-d', data, '-o', out]);
  assert.equal(code, EXIT.input, stderr);
  assert.match(stderr, /qgb\.jsonl:1: field "chosen": missing \(the record's fields are question, good, bad; .*--prompt-field, --chosen-field and --rejected-field\)/);
  assert.doesNotMatch(stderr, /loading model/);
  assert.equal(fs.existsSync(out), false, 'no run folder');
  const mapped = await endorm(['score', '-m', STORIES, '--template', 'none', '-d', data, '--prompt-field', 'question', '--chosen-field', 'good', '--rejected-field', 'bad', '--methods', 'length', '-q', '-o', out]);
  assert.equal(mapped.code, EXIT.ok, mapped.stderr);
});

test('a data error at the first scored record leaves no half-made run folder (only a folder the run made, and only without score lines)', async () => {
  // The first record is fine (the pre-check passes), the second is not: the run fails inside the first batch.
  const data = path.join(tmp, 'second-bad.jsonl');
  const good = fs.readFileSync(SAMPLE, 'utf8').split('\n')[0]!;
  fs.writeFileSync(data, `${good}\n{"prompt": "p", "chosen": 5, "rejected": "r"}\n`);
  const out = newOut();
  const { code, stderr } = await endorm(['score', '-m', STORIES, '--template', 'none', '-d', data, '--methods', 'endorm', '-q', '-o', out]);
  assert.equal(code, EXIT.input, stderr);
  assert.equal(fs.existsSync(out), false, `left: ${fs.existsSync(out) ? fs.readdirSync(out).join(', ') : ''}`);
  // A folder the user made stays (empty), with its files.
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
  const again = await endorm(['score', '-m', STORIES, '--template', 'none', '-d', data, '--methods', 'endorm', '-q', '-o', out, '--force']);
  assert.equal(again.code, EXIT.input, again.stderr);
  assert.ok(fs.existsSync(path.join(out, 'keep.txt')));
});

test('--limit 0 and --sample 0 are usage errors (exit 2), not a run of "—%"', async () => {
  for (const option of ['--limit', '--sample']) {
    const out = newOut();
    const { code, stderr } = await endorm(['score', '-m', STORIES, '-d', SAMPLE, option, '0', '-o', out]);
    assert.equal(code, EXIT.usage, stderr);
    assert.match(stderr, new RegExp(`${option} <n>' argument '0' is invalid. expected a positive integer`));
    assert.equal(fs.existsSync(out), false);
  }
});

const help = (name: string) => {
  const c = buildProgram().commands.find((x) => x.name() === name)! as Command;
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s) });
  c.outputHelp();
  return text.replace(/\s+/g, ' ');
};

test('every help shows its defaults: score --max-length says the model context (as inspect does), the field options their field names, rescore --methods no "[]"', () => {
  assert.match(help('score'), /--max-length <n> .*\(default: the model's context, at most 4096\)/);
  assert.match(help('inspect'), /--max-length <n> .*\(default: the model's context, at most 4096\)/);
  for (const name of ['score', 'rescore', 'inspect', 'show', 'report', 'merge']) assert.doesNotMatch(help(name), /default: \[\]/, name);
  assert.match(help('rescore'), /--methods <specs> .*\(default: none; give --methods, --alpha or --gamma\)/);
  for (const field of ['prompt', 'chosen', 'rejected', 'system', 'id']) assert.match(help('score'), new RegExp(`--${field}-field <name> [^-]*\\(default: ${field}\\)`), field);
});
