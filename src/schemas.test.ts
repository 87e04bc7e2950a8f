import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { datasetRoute, defaultCommit, folderRoutes, startFakeHub, type FakeHub } from './testing/fake-hub-server.js';
import { lengthPair } from './testing/length-outcomes.js';
import { parquetRows } from './testing/parquet-fixtures.js';
import { runCliInProcess } from './testing/run-cli.js';
import { PROJECT_ROOT, SHARED, STORIES, tempCacheDir } from './testing/shared-models.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const SCHEMAS = path.join(PROJECT_ROOT, 'schemas');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-schemas-'));
process.env['ENDORM_CACHE'] = tempCacheDir();

let validate: { run: ValidateFunction; summary: ValidateFunction; line: ValidateFunction; complete: ValidateFunction };
let hub: FakeHub | undefined;
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
  for (const name of ['run', 'summary', 'score-line', 'complete']) ajv.addSchema(readJson(path.join(SCHEMAS, `${name}.schema.json`)));
  const get = (name: string) => ajv.getSchema(`https://endorm.invalid/schemas/${name}.schema.json`)!;
  validate = { run: get('run'), summary: get('summary'), line: get('score-line'), complete: get('complete') };

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

  const rmBench = path.join(SHARED, 'datasets', 'rm-bench');
  runs['RM-Bench sample (--limit --seed)'] = await score('rm-bench-sample', ['--dataset', rmBench, '--limit', '6', '--seed', '3', '--max-length', '256', '--methods', 'endorm,loglik']);
  runs['--select-on grid'] = await score('select-on', ['--dataset', stories, '--limit', '16', '--alpha', '1,2', '--gamma', '0.9,1', '--select-on', 'dev:0.5', '--seed', '1']);

  // --force into a folder holding a file of the user's, then a resume line by line after a kill and damaged traces:
  // the last record lost one of its lines, and a trace's bytes were overwritten (the traces are cut back and redone).
  const forced = path.join(tmp, 'forced-resumed');
  fs.mkdirSync(forced);
  fs.writeFileSync(path.join(forced, 'notes.txt'), 'mine\n');
  await score('forced-resumed', ['--dataset', stories, '--limit', '6', '--methods', 'endorm,loglik', '--template', 'none', '--force']);
  const scoreLines = fs.readFileSync(path.join(forced, 'scores.jsonl'), 'utf8').trimEnd().split('\n');
  fs.writeFileSync(path.join(forced, 'scores.jsonl'), scoreLines.slice(0, -1).join('\n') + '\n');
  const firstTrace = JSON.parse(fs.readFileSync(path.join(forced, 'traces.index.jsonl'), 'utf8').split('\n')[1]!);
  const traces = fs.openSync(path.join(forced, 'traces.bin'), 'r+');
  fs.writeSync(traces, Buffer.alloc(8, 0xff), 0, 8, firstTrace.offset + 2);
  fs.closeSync(traces);
  const resumed = await runCliInProcess(['score', '--resume', forced, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  runs['--force, resumed line by line after damaged traces'] = forced;

  // RewardBench's Hub split and a Hub model at a --revision, both from a stand-in Hub on 127.0.0.1.
  const subsets = ['alpacaeval-easy', 'mt-bench-hard', 'refusals-dangerous', 'math-prm', 'hep-go'];
  const rows = subsets.map((subset, i) => {
    const [chosen, rejected] = lengthPair(i, i % 2 === 0 ? 'W' : 'L');
    return { prompt: `Question ${i}?`, chosen, chosen_model: 'a', rejected, rejected_model: 'b', subset, id: BigInt(i) };
  });
  // The model only at a tag, v1: a run that did not pass --revision on would ask for main and find none.
  const routes = new Map([...(await folderRoutes(STORIES, 'test-org/stories260K'))].map(([route, body]) => [route.replace('/resolve/main/', '/resolve/v1/'), body]));
  routes.set(datasetRoute('allenai/reward-bench', 'data/filtered-00000-of-00001.parquet'), parquetRows(rows));
  hub = await startFakeHub(routes, 120_000);
  process.env['HF_ENDPOINT'] = hub.endpoint;
  process.env['HF_TOKEN'] = '';
  const out = path.join(tmp, 'reward-bench');
  const hubRun = await runCliInProcess([
    'score', '--model', 'test-org/stories260K', '--revision', 'v1', '--dataset', 'reward-bench', '--template', 'none',
    '--max-length', '64', '--methods', 'endorm,length', '--quiet', '--out', out,
  ]);
  assert.equal(hubRun.code, 0, hubRun.stderr);
  runs['RewardBench from the Hub, Hub model at a revision'] = out;
});

after(async () => {
  await hub?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function problems(check: ValidateFunction, value: unknown): string {
  return check(value) ? '' : JSON.stringify(check.errors, null, 1);
}

test('run.json, summary.json and every scores.jsonl line of real runs validate against the shipped schemas', () => {
  assert.equal(Object.keys(runs).length, 9);
  for (const [what, dir] of Object.entries(runs)) {
    assert.equal(problems(validate.run, readJson(path.join(dir, 'run.json'))), '', `${what}: run.json`);
    assert.equal(problems(validate.summary, readJson(path.join(dir, 'summary.json'))), '', `${what}: summary.json`);
    // Every run here finished: each says so in complete.json, and its run.json seals its settings.
    assert.equal(problems(validate.complete, readJson(path.join(dir, 'complete.json'))), '', `${what}: complete.json`);
    assert.deepEqual(Object.keys(readJson(path.join(dir, 'run.json')).settingsSha256).sort(), Object.keys(readJson(path.join(dir, 'run.json')).settings).sort(), `${what}: settingsSha256`);
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
  assert.ok(readJson(path.join(runs['merged shards']!, 'run.json')).mergedFrom.every((m: { provenance?: { device?: unknown } }) => m.provenance?.device), 'each shard\'s provenance is kept');
  assert.deepEqual(readJson(path.join(runs['merged shards']!, 'run.json')).dataset.options, { format: 'jsonl', idField: 'id' });
  assert.equal(typeof readJson(path.join(runs['rescored']!, 'run.json')).settings.rescoredFrom, 'string');
  // What main's provenance, sampling, headlines, honest sweeps and Hub datasets add.
  const sample = readJson(path.join(runs['RM-Bench sample (--limit --seed)']!, 'summary.json'));
  assert.deepEqual([sample.settings.limit, sample.settings.seed], [6, 3]);
  assert.ok(sample.provenance.commandLine && sample.model.files['onnx/model.onnx'] && sample.dataset.domains);
  assert.equal(sample.methods.endorm.headline.title, 'RM-Bench average');
  assert.ok(sample.methods.endorm.rmBench.ci95 && Object.values(sample.methods.endorm.rmBench.domains).every((d) => Array.isArray((d as { ci95: unknown }).ci95)));
  const selected = readJson(path.join(runs['--select-on grid']!, 'summary.json'));
  assert.deepEqual(selected.settings.selectOn, { fraction: 0.5, seed: 1 });
  assert.equal(selected.selection.records.selection + selected.selection.records.heldOut, 16);
  const hubRun = readJson(path.join(runs['RewardBench from the Hub, Hub model at a revision']!, 'summary.json'));
  assert.deepEqual([hubRun.model.revision, hubRun.model.commit], ['v1', defaultCommit('test-org/stories260K', 'v1')]);
  assert.equal(hubRun.dataset.hub.repo, 'allenai/reward-bench');
  assert.equal(hubRun.dataset.subsets['math-prm'], 1);
  assert.equal(hubRun.methods.length.headline.title, 'RewardBench score');
  assert.equal(hubRun.methods.length.rewardBench.sections.length, 4);
  // What the run-folder integrity work adds: the user's file is still there, and the resume's repair is in the notes.
  const forced = runs['--force, resumed line by line after damaged traces']!;
  assert.equal(fs.readFileSync(path.join(forced, 'notes.txt'), 'utf8'), 'mine\n');
  const repaired = readJson(path.join(forced, 'summary.json'));
  assert.equal(repaired.counts.pairs, 6);
  assert.ok(repaired.notes.some((n: string) => /traces were cut back/.test(n)), JSON.stringify(repaired.notes));
  assert.equal(fs.existsSync(path.join(forced, 'run.lock')), false, 'the lock is gone with the process');
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
  // The fields main's provenance, headlines, sweeps and Hub datasets added are closed too.
  assert.notEqual(problems(validate.run, { ...manifest, provenance: { ...manifest.provenance, user: 'x' } }), '');
  assert.notEqual(problems(validate.run, { ...manifest, model: { ...manifest.model, commit: 'main' } }), '');
  const sample = readJson(path.join(runs['RM-Bench sample (--limit --seed)']!, 'summary.json'));
  const endorm = sample.methods.endorm;
  assert.notEqual(problems(validate.summary, { ...sample, methods: { endorm: { ...endorm, headline: { ...endorm.headline, value: 2 } } } }), '');
  assert.notEqual(problems(validate.summary, { ...sample, methods: { endorm: { ...endorm, rmBench: { ...endorm.rmBench, ci95: { average: [0, 1] } } } } }), '');
  const selected = readJson(path.join(runs['--select-on grid']!, 'summary.json'));
  const { bestOnAll: _best, ...noBest } = selected.selection;
  assert.notEqual(problems(validate.summary, { ...selected, selection: noBest }), '');
  const hubRun = readJson(path.join(runs['RewardBench from the Hub, Hub model at a revision']!, 'run.json'));
  assert.notEqual(problems(validate.run, { ...hubRun, dataset: { ...hubRun.dataset, hub: { ...hubRun.dataset.hub, files: [] } } }), '');
  const line = JSON.parse(fs.readFileSync(path.join(dir, 'scores.jsonl'), 'utf8').split('\n')[0]!);
  assert.notEqual(problems(validate.line, { ...line, role: 'winner' }), '');
  assert.notEqual(problems(validate.line, { ...line, score: 1 }), '');
  // A NaN the model returned is written as null (no score); anything else that is not a number is refused, as the reader does.
  const spec = Object.keys(line.scores)[0]!;
  assert.equal(problems(validate.line, { ...line, scores: { ...line.scores, [spec]: null } }), '');
  assert.notEqual(problems(validate.line, { ...line, scores: { ...line.scores, [spec]: '0.5' } }), '');
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
