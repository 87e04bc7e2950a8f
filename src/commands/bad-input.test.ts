import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeModelVariant } from '../testing/model-variants.js';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

process.env.ENDORM_CACHE = tempCacheDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-bad-input-'));
const SAMPLE = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const GOOD = fs.readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 3);

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** A copy of stories260K in a temp folder, with `damage` applied to it. */
function brokenModel(name: string, damage: (dir: string) => void): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(STORIES, f)));
  }
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), fs.readFileSync(path.join(STORIES, 'onnx', 'model.onnx')));
  damage(dir);
  return dir;
}

function halve(file: string): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

const score = (dataset: string, ...more: string[]) => {
  const out = fs.mkdtempSync(path.join(tmp, 'run-'));
  return ['score', '--model', STORIES, '--template', 'none', '--quiet', '--methods', 'endorm,length', '--dataset', dataset, '--out', out, ...more];
};

const record = (fields: Record<string, unknown>) => JSON.stringify({ id: 'r', prompt: 'Once upon a time', chosen: ' a cat.', rejected: ' cat a.', ...fields });
const rmBenchRecord = { id: 1, prompt: 'p', chosen: ['a', 'b', 'c'], rejected: ['d', 'e', 'f'] };

const cases: { name: string; args: () => string[]; code: number; message: RegExp }[] = [
  {
    name: 'malformed JSON',
    args: () => score(file('malformed.jsonl', `${GOOD[0]}\n{"prompt": "a", "chosen": \n`)),
    code: EXIT.input,
    message: /malformed\.jsonl:2: malformed JSON/,
  },
  {
    name: 'missing field',
    args: () => score(file('missing.jsonl', `${GOOD[0]}\n${GOOD[1]}\n${JSON.stringify({ id: 'x', prompt: 'p', chosen: 'c' })}\n`)),
    code: EXIT.input,
    message: /missing\.jsonl:3: field "rejected": missing/,
  },
  {
    name: 'empty field',
    args: () => score(file('empty-field.jsonl', record({ chosen: '' }) + '\n')),
    code: EXIT.input,
    message: /empty-field\.jsonl:1: field "chosen": expected a non-empty string/,
  },
  {
    name: 'non-string response',
    args: () => score(file('number.jsonl', record({ rejected: 42 }) + '\n')),
    code: EXIT.input,
    message: /number\.jsonl:1: field "rejected": expected a non-empty string, found .*number/,
  },
  {
    name: 'wrong number of RM-Bench responses',
    args: () => score(file('rmb/chat_filtered.json', JSON.stringify([rmBenchRecord, { ...rmBenchRecord, id: 2, chosen: ['a', 'b'] }]))),
    code: EXIT.input,
    message: /chat_filtered\.json: record 2: field "chosen": expected 3 responses \(concise, detailed, markdown\), found 2/,
  },
  {
    name: 'invalid UTF-8',
    args: () => score(file('latin1.jsonl', Buffer.concat([Buffer.from(`${GOOD[0]}\n{"id":"x","prompt":"caf`), Buffer.from([0xe9]), Buffer.from('","chosen":"a","rejected":"b"}\n')]))),
    code: EXIT.input,
    message: /latin1\.jsonl:2: invalid UTF-8/,
  },
  {
    name: 'empty dataset',
    args: () => score(file('empty.jsonl', '')),
    code: EXIT.input,
    message: /empty\.jsonl: no records/,
  },
  {
    name: 'unreadable dataset',
    args: () => score(path.join(tmp, 'no-such-file.jsonl')),
    code: EXIT.input,
    message: /no-such-file\.jsonl: cannot read: no such file/,
  },
  {
    name: 'duplicate id in a pair file',
    args: () => score(file('dupes.csv', 'id,prompt,chosen,rejected\na,p,c,r\nb,p,c,r\na,p,c,r\n')),
    code: EXIT.input,
    message: /dupes\.csv:4: field "id": duplicate id "a" \(also on line 2\); pass --dedupe-ids/,
  },
  {
    name: 'a JSON array in a .jsonl file',
    args: () => score(file('array.jsonl', JSON.stringify([JSON.parse(GOOD[0]!), JSON.parse(GOOD[1]!)], null, 2))),
    code: EXIT.input,
    message: /array\.jsonl:1: this is a JSON array, not JSON Lines .*: pass --format json/,
  },
  {
    name: '--methods naming no method (it used to run the defaults)',
    args: () => score(SAMPLE, '--methods', ','),
    code: EXIT.usage,
    message: /option '--methods <specs>' argument ',' is invalid\. names no method/,
  },
  {
    name: 'prompt that cannot fit --max-length even after the truncation rules cut it',
    args: () => score(file('fits.jsonl', `${GOOD[0]}\n${GOOD[1]}\n`), '--max-length', '2'),
    code: EXIT.input,
    message: /fits\.jsonl:1: field "chosen\[0\]": --max-length 2 leaves no room for the response after 2 prompt token\(s\)/,
  },
  {
    name: '--max-length longer than the model context',
    args: () => score(SAMPLE, '--max-length', '100000'),
    code: EXIT.usage,
    message: /--max-length 100000 is longer than the model's context of 512 tokens/,
  },
  {
    name: 'unknown method spec',
    args: () => score(SAMPLE, '--methods', 'endorm,magic'),
    code: EXIT.usage,
    message: /unknown method "magic"/,
  },
  {
    name: 'missing model folder',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? path.join(tmp, 'no-model') : a)),
    code: EXIT.model,
    message: /no-model: no such folder/,
  },
  {
    name: 'half-written model file',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('half', (d) => halve(path.join(d, 'onnx', 'model.onnx'))) : a)),
    code: EXIT.model,
    message: /cannot prepare .*half\/onnx\/model\.onnx for scoring: .*\(is the file complete\?\)/,
  },
  {
    name: 'unreadable model file (not ONNX at all)',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('garbage', (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), 'not a model\n'.repeat(100))) : a)),
    code: EXIT.model,
    message: /cannot prepare .*garbage\/onnx\/model\.onnx for scoring/,
  },
  {
    name: 'empty model file',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('empty-model', (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), '')) : a)),
    code: EXIT.model,
    message: /empty-model\/onnx\/model\.onnx is empty/,
  },
  {
    name: 'half-written tokenizer',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('half-tokenizer', (d) => halve(path.join(d, 'tokenizer.json'))) : a)),
    code: EXIT.model,
    message: /half-tokenizer\/tokenizer\.json is not valid JSON/,
  },
  {
    name: "a tokenizer with ids beyond the model's vocabulary (caught at load, not as an onnxruntime Gather error)",
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('small-vocab', (d) => editConfig(d, { vocab_size: 300 })) : a)),
    code: EXIT.model,
    message: /small-vocab: the tokenizer has token ids up to 511 \(.*\), but the model's vocabulary has 300 \(config\.json vocab_size\): the tokenizer belongs to another model/,
  },
  {
    name: 'max_position_embeddings -1 (blamed on the model, not the dataset)',
    args: () => score(SAMPLE).map((a) => (a === STORIES ? brokenModel('no-context', (d) => editConfig(d, { max_position_embeddings: -1 })) : a)),
    code: EXIT.model,
    message: /no-context\/config\.json: field "max_position_embeddings": -1 is not a context length/,
  },
  {
    name: '--fail-under naming a method not in the run (refused before the model loads: this model does not exist)',
    args: () => score(SAMPLE, '--fail-under', 'loglik=0.5').map((a) => (a === STORIES ? path.join(tmp, 'no-such-model') : a)),
    code: EXIT.usage,
    message: /--fail-under loglik: not among this run's methods \(endorm, length\)/,
  },
];

function editConfig(dir: string, fields: Record<string, unknown>): void {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...fields }));
}

for (const c of cases) {
  test(`bad input: ${c.name} → exit ${c.code} with file, line and field`, async () => {
    const { code, stderr } = await endorm(c.args());
    assert.match(stderr, c.message);
    assert.equal(code, c.code, stderr);
  });
}

test('--skip-invalid scores the good records and counts the bad ones in the summary and report', async () => {
  const dataset = file('mixed.jsonl', [GOOD[0], '{"broken', GOOD[1], record({ chosen: 7 }), GOOD[2]].join('\n') + '\n');
  const args = score(dataset, '--skip-invalid');
  const out = args[args.indexOf('--out') + 1]!;
  const { code, stderr } = await endorm(args);
  assert.equal(code, EXIT.ok, stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.counts.pairs, 3);
  assert.equal(summary.counts.skipped, 2);
  const note = summary.notes.find((n: string) => n.includes('skipped'));
  assert.match(note, /2 invalid record\(s\) skipped \(--skip-invalid\): .*mixed\.jsonl:2: malformed JSON.*mixed\.jsonl:4: field "chosen"/);
  assert.match(fs.readFileSync(path.join(out, 'report.md'), 'utf8'), /2 skipped/);
});

test('a prompt longer than --max-length is cut by the rules (from the left, keeping BOS), not refused', async () => {
  const long = record({ prompt: 'Once upon a time, there was a little girl named Lily. '.repeat(20) });
  const args = score(file('long.jsonl', long + '\n'), '--max-length', '40');
  const out = args[args.indexOf('--out') + 1]!;
  const { code, stderr } = await endorm(args);
  assert.equal(code, EXIT.ok, stderr);
  const lines = fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.truncated), [true, true]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).counts.truncated, 2);
});

test('a model that returns NaN everywhere (damaged weights): exit 4 naming the graph, no score line written, and a rerun fails the same way', async () => {
  const model = await writeModelVariant(STORIES, (m) => {
    for (const t of m.graph!.initializer!) {
      if (t.dataType === 1 && t.rawData && t.rawData.length >= 4) t.rawData = new Uint8Array(new Float32Array(t.rawData.length / 4).fill(NaN).buffer);
    }
  });
  const args = score(SAMPLE, '--limit', '4').map((a) => (a === STORIES ? model : a));
  const out = args[args.indexOf('--out') + 1]!;
  for (let attempt = 0; attempt < 2; attempt++) {
    const { code, stderr } = await endorm(args);
    assert.equal(code, EXIT.model, stderr);
    assert.match(stderr, /the model returned NaN\/Inf for every value of a batch \(\d+ sequence\(s\)\) from .*model\.onnx: damaged weights\?.*no line of that batch was written/);
    assert.equal(fs.existsSync(path.join(out, 'scores.jsonl')) ? fs.readFileSync(path.join(out, 'scores.jsonl'), 'utf8') : '', '');
    assert.equal(fs.existsSync(path.join(out, 'summary.json')), false, 'not a finished run');
  }
});
