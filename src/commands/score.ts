import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_METHODS, scoreRun } from '../api/score-run.js';
import { DEVICES } from '../engine/devices.js';
import { judgePromptFiles } from '../methods/judge-setup.js';
import { planMethods } from '../methods/plan-methods.js';
import { checkReference } from '../methods/reference-method.js';
import { datasetFormats, datasetHelp, protocols } from '../protocols/registry.js';
import { headlineOf } from '../protocols/headline.js';
import { withGridMethods } from '../rewards/method-grid.js';
import { countsText } from '../report/report-markdown.js';
import { readerNotes } from '../report/reader-notes.js';
import type { RunSummary } from '../benchmarks/method-summary.js';
import { readSummary } from '../run-store/summary-file.js';
import type { ScoreProgress } from '../run/score-pairs.js';
import { type AccuracyGate, checkGateMethods, gateText, parseAccuracyGate } from '../run/fail-under.js';
import { checkRunGates } from '../api/fail-under.js';
import type { BatchEvent } from '../run/score-into-folder.js';
import { placeShard } from '../run/shard-layout.js';
import { parseShardRequest, schedulerTask, shardSourceText, type ShardRequest } from '../run/shard-source.js';
import { bytesText } from '../util/bytes-text.js';
import { DEFAULT_FIELDS } from '../datasets/field-mapping.js';
import { EXIT } from '../util/exit-codes.js';
import { defaultModelSpec, DEFAULT_MODEL } from './default-model.js';
import { createDownloadReporter } from './download-progress.js';
import { addGridOptions, gridOfRun, withSelectOn, type GridCliOptions } from './grid-options.js';
import { addExamples, groupOptions } from './help-layout.js';
import { stopOnSignals } from './interrupt.js';
import { methodLine, type MethodLineInput } from './method-lines.js';
import { addInputLimitOptions, INPUT_LIMIT_OPTION_NAMES, inputLimits, type InputLimitCliOptions } from './input-limit-options.js';
import { addModelOptions, type ModelCliOptions } from './model-options.js';
import { methodList, nonNegativeInt, positiveInt } from './option-parsers.js';
import { createLoadStatus } from './load-status.js';
import { createProgressReporter } from './progress-reporter.js';
import { withRunDefaults, type ResumableOptions } from './resume-options.js';

/** --prompt-field and the other field options come straight from commander, named as the dataset readers take them. */
interface ScoreCliOptions extends ModelCliOptions, GridCliOptions, ResumableOptions, InputLimitCliOptions {
  batchSize?: number;
  maxBatchTokens?: number;
  quiet?: boolean;
  json?: boolean;
  skipInvalid?: boolean;
  failUnder?: AccuracyGate[];
  judgePrompt?: string[];
  prefixSharing: boolean;
  force?: boolean;
  forceUnlock?: boolean;
}

/** What commander hands over: --shard as typed (K/N or auto), before the environment is read. */
type ScoreCliInput = Omit<ScoreCliOptions, 'shard'> & { shard?: ShardRequest };

/** `argv`: the command line as typed (the script, then its arguments), recorded in run.json. */
export function scoreCommand(argv: readonly string[] = process.argv.slice(1)): Command {
  const command = new Command('score')
    .description('score every chosen and rejected response of a dataset and write accuracy reports')
    .option('-d, --dataset <path>', `${datasetHelp()}; "-" reads stdin, and a FIFO or <(…) is streamed once (required unless --resume)`)
    .addOption(
      new Option('--methods <specs>', 'comma-separated method specs, e.g. endorm:alpha=0.5,gamma=0.95,loglik,length,judge-pairwise,judge-pointwise,verifier; with --alpha/--gamma and no --methods, only the grid\'s cells')
        .argParser(methodList)
        .default([], DEFAULT_METHODS.join(',')),
    )
    .option('--judge-prompt <[judge=]file>', 'prompt file replacing a judge\'s shipped prompts/<judge>.txt (the judge may be left out when only one runs); repeatable', collectValues)
    .addOption(new Option('--template <mode>', 'how prompt and response become tokens').choices(['auto', 'chat', 'none']).default('auto'))
    .option('--no-score-eot', "leave the chat template's end-of-turn token(s) out of the scored span")
    .option('--max-length <n>', "longest prompt + response in tokens; the prompt is cut from the left first (default: the model's context, at most 4096)", positiveInt)
    .option('--batch-size <n>', `most sequences per batch (default: ${DEVICES.cpu.batchSize} on cpu, ${DEVICES.webgpu.batchSize} on a GPU)`, positiveInt)
    .option('--max-batch-tokens <n>', `most padded tokens per batch (default: ${DEVICES.cpu.maxBatchTokens} on cpu, ${DEVICES.webgpu.maxBatchTokens} on a GPU)`, positiveInt)
    .option('--limit <n>', 'score N records: on a benchmark with domains (RM-Bench) a seeded sample spread across them in proportion, else the first N (N ≥ 1)', positiveInt)
    .addOption(new Option('--sample <n>', 'score N records drawn uniformly at random (seeded by --seed); reads the dataset twice, so not from a stream (N ≥ 1)').argParser(positiveInt).conflicts('limit'))
    .option('--seed <n>', 'seed of --sample and of a spread --limit (default: 0); recorded in run.json', nonNegativeInt)
    .option('-o, --out <dir>', 'run folder (default results/<dataset>-<model>-<time>/); a folder holding a run with the same settings is resumed; one holding other files is refused unless --force')
    .option('--force', 'write into an --out folder that holds files but no endorm run (they may be overwritten)')
    .option('--force-unlock', "take over the run folder's lock although another host took it (only when no endorm writes the folder any more)")
    .option('--resume <dir>', "continue the run in DIR: options not given come from its run.json; what is done is skipped")
    .option(
      '--shard <k/n|auto>',
      'score only shard K of N (K from 1 to N): the records whose key hashes to K; combine with endorm merge. auto[/N]: K and N from ' +
        'ENDORM_SHARD=K/N, a Slurm job array or a Kubernetes Indexed Job (N from auto/N or ENDORM_SHARD_COUNT), written to --out DIR/shard-K-of-N/',
      shardOption,
    )
    .option('--reference <method>', 'method spec the reports test every other method against (McNemar); default: the first endorm method')
    .option('--json', 'print summary.json to stdout when done')
    .option('--fail-under <method[@number]=min>', `exit with code 5 when a method's headline (${headlinesHelp()}) is below MIN (0..1, or a percentage); @pooled, @easy, @chat… gate on another of its numbers; repeatable`, collectGate)
    .option('-q, --quiet', 'no progress output')
    .addOption(new Option('--format <format>', 'dataset format (default: from the file)').choices(datasetFormats()))
    .option('--prompt-field <name>', `field holding the prompt (a string or a list of chat messages) (default: ${DEFAULT_FIELDS.prompt})`)
    .option('--chosen-field <name>', `field holding the chosen response (default: ${DEFAULT_FIELDS.chosen})`)
    .option('--rejected-field <name>', `field holding the rejected response (default: ${DEFAULT_FIELDS.rejected})`)
    .option('--system-field <name>', `field holding the system message (default: ${DEFAULT_FIELDS.system})`)
    .option('--id-field <name>', `field holding the record id (default: ${DEFAULT_FIELDS.id})`)
    .option('--group-field <name>', 'field to report per-category accuracy by')
    .option('--dedupe-ids', 'make a repeated record id unique by its line number (id@LINE) instead of stopping with exit 3')
    .option('--skip-invalid', 'skip bad records (counted in the report) instead of stopping')
    .option('--no-traces', 'do not keep token traces (traces.bin) in the run folder; rescore and show need them')
    .option('--no-prefix-sharing', "run every response whole instead of on its prompt's cached keys and values");
  addGridOptions(command);
  addInputLimitOptions(command);
  addModelOptions(command);
  groupOptions(command, SCORE_OPTION_GROUPS);
  command.action(async (input: ScoreCliInput, self: Command) => {
    const placed = input.shard ? placeShard(input.shard, input.out, process.env) : undefined;
    if (placed && placed.from.source !== 'option' && !input.quiet) process.stderr.write(`endorm: shard ${shardSourceText(placed)} into ${placed.out}/\n`);
    const cliOpts: ScoreCliOptions = { ...input, shard: placed?.shard, ...(placed ? { out: placed.out } : {}) };
    const opts = await withRunDefaults(cliOpts, self);
    const sweep = opts.alpha !== undefined || opts.gamma !== undefined;
    const expanded = withGridMethods(opts.methods.length || sweep ? opts.methods : [...DEFAULT_METHODS], opts.alpha, opts.gamma);
    // A resumed sweep keeps its grid (its cells are already among the run's methods).
    const grid = expanded.grid ?? (opts.resume ? await gridOfRun(opts.resume) : undefined);
    const methods = withSelectOn(expanded.methods, grid, opts.selectOn);
    const plan = planMethods(methods); // fail on a bad spec before loading anything
    checkReference(opts.reference, methods);
    checkGateMethods(opts.failUnder ?? [], methods);
    const judgePrompts = judgePromptFiles(opts.judgePrompt ?? [], plan.judges.map((j) => j.name));
    const progress = createProgressReporter({ quiet: opts.quiet });
    const downloads = createDownloadReporter({ quiet: opts.quiet });
    const stop = stopOnSignals((line) => process.stderr.write(`\n${line}\n`));
    try {
      const { runDir, progress: done, folder, traces } = await scoreRun({
        model: opts.model ?? defaultModelSpec(),
        ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
        dtype: opts.dtype,
        offline: opts.offline,
        ...(opts.hubTimeout !== undefined ? { hubTimeout: opts.hubTimeout } : {}),
        device: opts.device,
        threads: opts.threads,
        dataset: opts.dataset!,
        datasetOptions: {
          format: opts.format,
          promptField: opts.promptField,
          chosenField: opts.chosenField,
          rejectedField: opts.rejectedField,
          systemField: opts.systemField,
          idField: opts.idField,
          groupField: opts.groupField,
          ...(opts.dedupeIds ? { dedupeIds: true } : {}),
          skipInvalid: opts.skipInvalid,
          limits: inputLimits(opts),
          onInvalid: opts.quiet ? undefined : (err) => process.stderr.write(`endorm: ${err.code === 'unpaired' ? 'note' : 'skipped'}: ${err.message}\n`),
        },
        methods,
        judgePrompts,
        ...(grid ? { grid } : {}),
        ...(opts.selectOn !== undefined ? { selectOn: opts.selectOn } : {}),
        ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
        traces: opts.traces,
        template: opts.template,
        scoreEot: opts.scoreEot,
        maxLength: opts.maxLength,
        batchSize: opts.batchSize,
        maxBatchTokens: opts.maxBatchTokens,
        limit: opts.limit,
        ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        shard: opts.shard,
        ...(placed ? { shardSource: placed.from } : {}),
        ...(placed && schedulerTask(placed.from, process.env, os.hostname()) !== undefined ? { schedulerTask: schedulerTask(placed.from, process.env, os.hostname())! } : {}),
        out: opts.out,
        force: opts.force,
        forceUnlock: opts.forceUnlock,
        prefixSharing: opts.prefixSharing,
        argv,
        onProgress: (p) => progress.update(p),
        onStatus: createLoadStatus({ quiet: opts.quiet }),
        ...(debugs('batches') ? { onBatch: (b: BatchEvent) => process.stderr.write(`endorm: debug: ${batchText(b)}\n`) } : {}),
        onDownloadProgress: (e) => downloads.onEvent(e),
        onNote: opts.quiet ? undefined : (note) => process.stderr.write(`endorm: note: ${note}\n`),
        signal: stop.signal,
      });
      progress.stop();
      if (folder.resumed && !opts.quiet) {
        const before = folder.donePairs.size;
        process.stderr.write(
          folder.totalPairs === before
            ? `endorm: ${runDir} was already complete (${before} records); rebuilt its summary and reports\n`
            : `endorm: resumed ${runDir}: ${before} records were done before, ${done.pairs} scored now\n`,
        );
      }
      const summary = await readSummary(runDir);
      if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      if (!opts.quiet) {
        if (done.pairs > 0 || !folder.resumed) process.stderr.write(`endorm: ${sessionText(done)}\n`);
        process.stderr.write(`endorm: run counts (as in report.md): ${countsText(summary as RunSummary)}\n`);
        for (const [spec, m] of Object.entries(summary.methods as Record<string, MethodLineInput>)) process.stderr.write(`${methodLine(spec, m)}\n`);
        for (const note of readerNotes(summary as RunSummary, { askedTemplate: opts.template })) {
          process.stderr.write(`endorm: ${note.level === 'warning' ? 'warning: ' : ''}${note.text}\n`);
        }
        if (traces && traces.entries > 0) {
          process.stderr.write(
            `endorm: token traces: ${traces.entries} responses, ${bytesText(traces.dataBytes)} + ${bytesText(traces.indexBytes)} index, written in ${traces.seconds.toFixed(2)} s\n`,
          );
        }
        process.stderr.write(`endorm: wrote ${runDir}/\n`);
      }
      // Every gate says which number it checked, passed or not: a gate set from a leaderboard must be seen to check it.
      const gates = checkRunGates(opts.failUnder ?? [], summary as RunSummary);
      for (const g of gates) if (!g.passed || !opts.quiet) process.stderr.write(`endorm: ${gateText(g)}\n`);
      if (gates.some((g) => !g.passed)) process.exitCode = EXIT.gate;
    } finally {
      progress.stop();
      downloads.stop();
      stop.dispose();
    }
  });
  command.addHelpText('after', `\nThe default model is ${DEFAULT_MODEL} (override with --model or ENDORM_MODEL).`);
  addExamples(command, SCORE_EXAMPLES);
  return command;
}

/** `endorm score --help`: what a model is, what data, which methods, how the run goes, what it prints. */
export const SCORE_OPTION_GROUPS = {
  'Model options': ['--model', '--revision', '--dtype', '--device', '--threads', '--offline', '--hub-timeout', '--template', '--no-score-eot', '--max-length'],
  'Data options': [
    '--dataset', '--format', '--prompt-field', '--chosen-field', '--rejected-field', '--system-field', '--id-field', '--group-field',
    '--dedupe-ids', '--skip-invalid', '--limit', '--sample', '--seed', '--shard', ...INPUT_LIMIT_OPTION_NAMES,
  ],
  'Method options': ['--methods', '--alpha', '--gamma', '--select-on', '--judge-prompt', '--reference'],
  'Run options': ['--out', '--force', '--resume', '--force-unlock', '--batch-size', '--max-batch-tokens', '--no-prefix-sharing', '--no-traces'],
  'Output options': ['--json', '--fail-under', '--quiet'],
} as const;

const SCORE_EXAMPLES = [
  ['the shipped story sample with the shipped demo model (no download)', 'endorm score -m examples/models/stories260K -d datasets/stories-sample.jsonl'],
  ['RM-Bench from the Hub with the default model, two endorm settings and the baselines', 'endorm score -d rm-bench --methods endorm,endorm:alpha=0.5,gamma=0.9,loglik,length'],
  ['a quick RM-Bench estimate: 200 records spread over its domains in proportion, drawn by seed 1', 'endorm score -d rm-bench --limit 200 --seed 1'],
  ['a Hub dataset split, with a Hub model pinned to a commit (run.json records both commits)', 'endorm score -d hf:OWNER/NAME:test -m onnx-community/Qwen2.5-0.5B-Instruct --revision COMMIT'],
  ['an α × γ sweep: 12 endorm settings from one model pass', 'endorm score -d pairs.jsonl --alpha 0.5,1,2 --gamma 0.9,0.99,1'],
  ['a sweep chosen honestly: α, γ picked on 30% of the records, reported on the other 70% beside α = 1, γ = 1', 'endorm score -d rm-bench --alpha 0.5,1,2 --gamma 0.9,1 --select-on dev:0.3'],
  ['the model judging itself, beside the endogenous reward', 'endorm score -d pairs.jsonl --methods endorm,judge-pairwise,judge-pointwise'],
  ['one task of a Slurm job array (sbatch --array=1-4): every task runs this line and writes results/rm/shard-K-of-4/', 'endorm score -d rm-bench --shard auto --out results/rm'],
  ['continue a run that was stopped', 'endorm score --resume results/rm-bench-Qwen2.5-0.5B-Instruct-20250101-120000'],
  ['in CI: the summary as JSON, exit 5 when endorm\'s RM-Bench average falls below 60%', 'endorm score -d rm-bench --json --fail-under endorm=0.6 > summary.json'],
  ['in CI, gating on pooled accuracy and on one domain instead', 'endorm score -d rm-bench --fail-under endorm@pooled=0.6 --fail-under endorm@chat=0.55'],
] as const;

/**
 * What this session ran, worded apart from the run's counts: tokens here are every token the model ran (prompts,
 * judge prompts and responses), where report.md's counts are the scored response tokens of the whole run.
 */
export function sessionText(done: ScoreProgress): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const saved = done.savedTokens ? ` (${n(done.savedTokens)} = ${((100 * done.savedTokens) / done.tokens).toFixed(1)}% of them saved by shared prompt prefixes)` : '';
  return `scored ${n(done.pairs)} records in ${done.seconds.toFixed(1)} s: ${n(done.responses)} responses, ${n(done.tokens)} prompt and response tokens through the model${saved}`;
}

/**
 * `ENDORM_DEBUG=batches` (comma-separated topics) prints each batch as it goes to the model and its lines once they are
 * on disk: what a kill loses and what it keeps.
 */
function debugs(topic: string): boolean {
  return (process.env.ENDORM_DEBUG ?? '').split(',').map((t) => t.trim()).includes(topic);
}

function batchText(b: BatchEvent): string {
  return b.kind === 'running' ? `running batch ${b.batch}: ${b.sequences} sequence(s)` : `wrote batch ${b.batch}: ${b.lines.join(', ')}`;
}

function shardOption(value: string): ShardRequest {
  try {
    return parseShardRequest(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function collectGate(value: string, previous: AccuracyGate[] = []): AccuracyGate[] {
  try {
    return [...previous, parseAccuracyGate(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Each protocol's headline, for --help: `RM-Bench: RM-Bench average, …, pairs: accuracy`. */
function headlinesHelp(): string {
  return protocols().map((p) => `${p.label}: ${headlineOf(p).title}`).join('; ');
}

function collectValues(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
