import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import YAML from 'yaml';
import { PROJECT_ROOT } from './testing/shared-models.js';

const EXAMPLES = path.join(PROJECT_ROOT, 'examples');
const read = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');

/** The manifest's objects, each checked against the Kubernetes OpenAPI schema of its kind (kubernetes-models). */
function validateManifest(text: string): Record<string, any>[] {
  const docs = YAML.parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
  for (const doc of docs) {
    const Model = { Job, PersistentVolumeClaim }[doc.kind as 'Job' | 'PersistentVolumeClaim'];
    assert.ok(Model, `a ${doc.kind} in the manifest`);
    new Model(doc as never).validate();
  }
  return docs;
}

test('the Kubernetes example is valid against the Kubernetes schemas: an Indexed Job with --shard auto, its count given, and a merge that waits on exit 7 and 8', () => {
  const docs = validateManifest(read('kubernetes/indexed-job.yaml'));
  const score = docs.find((d) => d.metadata.name === 'endorm-score')!;
  assert.equal(score.spec.completionMode, 'Indexed');
  assert.equal(score.spec.podReplacementPolicy, 'Failed', 'one pod per index at a time');
  const container = score.spec.template.spec.containers[0];
  assert.deepEqual(container.command.slice(-4), ['--shard', 'auto', '--out', '/shared/results/rm-bench']);
  const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.equal(Number(env.ENDORM_SHARD_COUNT), score.spec.completions, 'ENDORM_SHARD_COUNT is the Job\'s completions');
  assert.match(env.ENDORM_CACHE, /^\/shared\//, 'the model cache is on the shared volume');
  const merge = docs.find((d) => d.metadata.name === 'endorm-merge')!;
  const script = merge.spec.template.spec.containers[0].command.at(-1) as string;
  assert.match(script, /endorm merge \/shared\/results\/rm-bench && exit 0/);
  assert.match(script, /\[ "\$code" -eq 7 \] \|\| \[ "\$code" -eq 8 \] \|\| exit "\$code"/);
  // The check can fail: a count that is not a number is refused.
  const broken = read('kubernetes/indexed-job.yaml').replace('completions: 4', 'completions: four');
  assert.throws(() => validateManifest(broken), /completions must be integer/);
});

/** Node 20 refuses the parser's JSON import without an import attribute: this hook adds it. */
function allowJsonImports(): void {
  const hooks = `export async function load(url, context, nextLoad) {
    return nextLoad(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

test("the GitHub Actions fragment parses without errors with GitHub's own workflow parser (@actions/workflow-parser): a matrix over ENDORM_SHARD, then the merge", async () => {
  allowJsonImports();
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
  const check = async (content: string) => {
    const parsed = parseWorkflow({ name: 'sharded-score.yml', content }, new NoOperationTraceWriter());
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    return { errors: parsed.context.errors.getErrors().map((e) => e.message), template };
  };
  const text = read('github-actions/sharded-score.yml');
  const { errors, template } = await check(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    template.jobs.map((j) => [j.id.value, (j as { needs?: { value: string }[] }).needs?.map((n) => n.value) ?? []]),
    [['score', []], ['merge', ['score']]],
  );
  const workflow = YAML.parse(text);
  const shards: number[] = workflow.jobs.score.strategy.matrix.shard;
  assert.equal(workflow.jobs.score.env.ENDORM_SHARD, `\${{ matrix.shard }}/${shards.length}`, 'N is the size of the matrix');
  assert.ok(workflow.jobs.score.steps.some((s: { run?: string }) => s.run?.includes('--shard auto --out results')));
  assert.ok(workflow.jobs.merge.steps.some((s: { run?: string }) => s.run?.startsWith('./bin/endorm merge results ')));
  // The check can fail: a misspelt key is an error.
  const broken = await check(text.replace('runs-on: ubuntu-latest\n    timeout-minutes', 'runs_on: ubuntu-latest\n    timeout-minutes'));
  assert.ok(broken.errors.some((e) => /Unexpected value 'runs_on'/.test(e)), broken.errors.join('\n'));
});

test('the Slurm example is a valid shell script whose tasks all run one score line with --shard auto, and whose merge reads the same folder', () => {
  const script = path.join(EXAMPLES, 'slurm', 'score-array.sbatch');
  execFileSync('bash', ['-n', script]);
  execFileSync('bash', ['-n', path.join(PROJECT_ROOT, 'scripts', 'slurm-e2e.sh')]);
  const text = read('slurm/score-array.sbatch');
  // sbatch reads #SBATCH lines only before the first command.
  const firstCommand = text.split('\n').findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  assert.ok(text.split('\n').slice(firstCommand).every((l) => !l.startsWith('#SBATCH')));
  assert.match(text, /^#SBATCH --requeue$/m);
  const run = (mode: string) =>
    execFileSync('bash', [script, mode], { env: { ...process.env, ENDORM: 'echo endorm', OUT: 'results/x', EXTRA: '--limit 60' }, encoding: 'utf8' }).trim();
  assert.equal(run('score'), 'endorm score --model onnx-community/Qwen2.5-0.5B-Instruct --dataset rm-bench --methods endorm,loglik,length --shard auto --out results/x --limit 60');
  assert.equal(run('merge'), 'endorm merge results/x');
  assert.match(text, /sbatch --parsable --dependency="afterok:\$array"/);
});

test('every endorm command in the shell blocks of docs/many-machines.md names a command and options that exist', async () => {
  const { buildProgram } = await import('./cli.js');
  const program = buildProgram();
  const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'many-machines.md'), 'utf8');
  const lines = [...text.matchAll(/```shell\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((l) => l.startsWith('endorm '));
  assert.ok(lines.length >= 2, lines.join('\n'));
  for (const line of lines) {
    const [, name, ...args] = line.trim().split(/\s+/);
    const command = program.commands.find((c) => c.name() === name);
    assert.ok(command, `${line}: no command ${name}`);
    for (const arg of args.filter((a) => a.startsWith('-'))) {
      assert.ok(command.options.some((o) => o.long === arg || o.short === arg), `${line}: ${name} has no option ${arg}`);
    }
  }
});
