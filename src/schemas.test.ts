import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { runCliInProcess } from './testing/run-cli.js';
import { PROJECT_ROOT, SHARED, STORIES, tempCacheDir } from './testing/shared-models.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const SCHEMAS = path.join(PROJECT_ROOT, 'schemas');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-schemas-'));
process.env['ENDORM_CACHE'] = tempCacheDir();

let validate: { run: ValidateFunction; summary: ValidateFunction; line: ValidateFunction };
/** Every run folder the tests below produced, by what it exercises. */
const runs: Record<string, string> = {};

async function score(name: string, args: string[]): Promise<string> {
  const out = path.join(tmp, name);
  const { code, stderr } = await runCliInProcess(['score', '--model', STORIES, '--quiet', '--out', out, ...args]);
  assert.equal(code, 0, stderr);
  return out;
}

before(async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const name of ['run', 'summary', 'score-line']) ajv.addSchema(readJson(path.join(SCHEMAS, `${name}.schema.json`)));
  const get = (name: string) => ajv.getSchema(`https://endorm.invalid/schemas/${name}.schema.json`)!;
  validate = { run: get('run'), summary: get('summary'), line: get('score-line') };

  const stories = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
  runs['pairs, α × γ grid'] = await score('grid', ['--dataset', stories, '--limit', '8', '--methods', 'endorm,loglik,length', '--alpha', '1,2', '--gamma', '0.9,1']);
  runs['RM-Bench, judges'] = await score('judges', [
    '--dataset', path.join(SHARED, 'datasets', 'rm-bench', 'chat_filtered.json'),
    '--limit', '2', '--max-length', '512', '--methods', 'endorm,loglik,judge-pairwise,judge-pointwise,verifier',
  ]);
  const shards = [];
  for (const k of [1, 2]) {
    shards.push(await score(`shard-${k}`, ['--dataset', stories, '--format', 'jsonl', '--id-field', 'id', '--limit', '10', '--shard', `${k}/2`, '--reference', 'loglik']));
  }
  const merged = path.join(tmp, 'merged');
  const merge = await runCliInProcess(['merge', ...shards, '--out', merged]);
  assert.equal(merge.code, 0, merge.stderr);
  runs['shard'] = shards[0]!;
  runs['merged shards'] = merged;
  const rescored = path.join(tmp, 'rescored');
  const rescore = await runCliInProcess(['rescore', runs['pairs, α × γ grid']!, '--methods', 'endorm:gamma=0.5,loglik-mean', '--out', rescored, '--quiet']);
  assert.equal(rescore.code, 0, rescore.stderr);
  runs['rescored'] = rescored;
});

function problems(check: ValidateFunction, value: unknown): string {
  return check(value) ? '' : JSON.stringify(check.errors, null, 1);
}

test('run.json, summary.json and every scores.jsonl line of real runs validate against the shipped schemas', () => {
  assert.equal(Object.keys(runs).length, 5);
  for (const [what, dir] of Object.entries(runs)) {
    assert.equal(problems(validate.run, readJson(path.join(dir, 'run.json'))), '', `${what}: run.json`);
    assert.equal(problems(validate.summary, readJson(path.join(dir, 'summary.json'))), '', `${what}: summary.json`);
    const lines = fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').trim().split('\n');
    assert.ok(lines.length > 0);
    lines.forEach((line, i) => assert.equal(problems(validate.line, JSON.parse(line)), '', `${what}: scores.jsonl line ${i + 1}`));
  }
  // The runs hold what the schemas describe beyond the basics: judges' settings and comparison lines, a grid,
  // position statistics, RM-Bench summaries, a merge's sources, a rescore's origin, dataset options.
  const judges = readJson(path.join(runs['RM-Bench, judges']!, 'summary.json'));
  assert.ok(judges.settings.judges['judge-pairwise'] && judges.methods['judge-pairwise'].position && judges.methods.endorm.rmBench);
  assert.ok(fs.readFileSync(path.join(runs['RM-Bench, judges']!, 'scores.jsonl'), 'utf8').includes('"type":"comparison"'));
  assert.deepEqual(readJson(path.join(runs['pairs, α × γ grid']!, 'run.json')).settings.grid, { alphas: [1, 2], gammas: [0.9, 1] });
  assert.equal(readJson(path.join(runs['merged shards']!, 'run.json')).mergedFrom.length, 2);
  assert.deepEqual(readJson(path.join(runs['merged shards']!, 'run.json')).dataset.options, { format: 'jsonl', idField: 'id' });
  assert.equal(typeof readJson(path.join(runs['rescored']!, 'run.json')).settings.rescoredFrom, 'string');
});

test('every key a built-in method summary writes is described by the schema, not let through as a plug-in key', () => {
  const schema = readJson(path.join(SCHEMAS, 'summary.schema.json'));
  const described = new Set([...Object.keys(schema.$defs.methodSummary.properties), ...Object.keys(schema.$defs.accuracyStats.properties)]);
  for (const [what, dir] of Object.entries(runs)) {
    for (const [spec, m] of Object.entries(readJson(path.join(dir, 'summary.json')).methods as Record<string, object>)) {
      for (const key of Object.keys(m)) assert.ok(described.has(key), `${what}: methods.${spec}.${key} is not in summary.schema.json`);
    }
  }
});

test('the schemas are closed where the format is: an unknown field, a missing one or a wrong type fails', () => {
  const dir = runs['RM-Bench, judges']!;
  const manifest = readJson(path.join(dir, 'run.json'));
  assert.notEqual(problems(validate.run, { ...manifest, extra: 1 }), '');
  assert.notEqual(problems(validate.run, { ...manifest, settings: { ...manifest.settings, newSetting: true } }), '');
  assert.notEqual(problems(validate.run, { ...manifest, model: { ...manifest.model, vocabSize: '512' } }), '');
  // A protocol's dataset facts are open by design.
  assert.equal(problems(validate.run, { ...manifest, dataset: { ...manifest.dataset, someProtocolFact: [1, 2] } }), '');
  const summary = readJson(path.join(dir, 'summary.json'));
  const { counts: _counts, ...noCounts } = summary;
  assert.notEqual(problems(validate.summary, noCounts), '');
  assert.notEqual(problems(validate.summary, { ...summary, methods: { endorm: { ...summary.methods.endorm, accuracy: 1.5 } } }), '');
  assert.notEqual(problems(validate.summary, { ...summary, methods: { endorm: { ...summary.methods.endorm, newStat: 3 } } }), '');
  const line = JSON.parse(fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').split('\n')[0]!);
  assert.notEqual(problems(validate.line, { ...line, role: 'winner' }), '');
  assert.notEqual(problems(validate.line, { ...line, score: 1 }), '');
});

test('the schemas have $ids and descriptions, and ship in the package', () => {
  const pkg = readJson(path.join(PROJECT_ROOT, 'package.json'));
  assert.ok(pkg.files.includes('schemas'));
  for (const name of ['run', 'summary', 'score-line']) {
    const schema = readJson(path.join(SCHEMAS, `${name}.schema.json`));
    assert.equal(schema.$id, `https://endorm.invalid/schemas/${name}.schema.json`);
    assert.ok(schema.description.length > 80, `${name}: a description`);
  }
});
