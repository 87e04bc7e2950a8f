import path from 'node:path';
import type { Command } from 'commander';
import { runOptionsFromFolder, type RunOptionsFromManifest } from '../api/resume-options.js';
import type { FieldOptions } from '../datasets/field-mapping.js';
import { PINNED_DATASET_OPTIONS } from '../run/resume.js';
import { SettingsError } from '../run/settings-error.js';

/**
 * The score options that --resume DIR can fill in from DIR's run.json: those of RunOptionsFromManifest, as commander
 * gives them (a value commander defaults is always there; `template` may still be `auto`).
 */
export interface ResumableOptions
  extends FieldOptions,
    Partial<Omit<RunOptionsFromManifest, 'datasetOptions' | 'dtype' | 'methods' | 'template' | 'scoreEot' | 'traces'>> {
  resume?: string;
  out?: string;
  dtype: string;
  methods: string[];
  template: 'auto' | 'chat' | 'none';
  scoreEot: boolean;
  traces: boolean;
  format?: string;
}

/**
 * `--resume DIR`: every option not given on the command line comes from DIR's run.json, so that `endorm score --resume
 * DIR` alone continues the run; options that are given are kept, and the library refuses them if they differ.
 */
export async function withRunDefaults<T extends ResumableOptions>(opts: T, command: Command): Promise<T> {
  if (!opts.resume) {
    if (opts.dataset === undefined) command.error("error: required option '-d, --dataset <path>' not specified (or --resume DIR)");
    return opts;
  }
  if (opts.out !== undefined && path.resolve(opts.out) !== path.resolve(opts.resume)) {
    throw new SettingsError(`--resume ${opts.resume} and --out ${opts.out} name different folders; give one of them`);
  }
  const run = await runOptionsFromFolder(opts.resume);
  const given = (key: string) => command.getOptionValueSource(key) === 'cli';
  return {
    ...opts,
    out: opts.resume,
    model: opts.model ?? run.model,
    revision: opts.revision ?? run.revision,
    dtype: given('dtype') ? opts.dtype : run.dtype,
    dataset: opts.dataset ?? run.dataset,
    methods: opts.methods.length ? opts.methods : run.methods,
    template: given('template') ? opts.template : run.template,
    scoreEot: given('scoreEot') ? opts.scoreEot : run.scoreEot,
    maxLength: opts.maxLength ?? run.maxLength,
    limit: opts.limit ?? run.limit,
    sample: opts.sample ?? run.sample,
    seed: opts.seed ?? run.seed,
    shard: opts.shard ?? run.shard,
    reference: opts.reference ?? run.reference,
    selectOn: opts.selectOn ?? run.selectOn,
    // --traces is on by default: only a --no-traces given now counts; else the run keeps on as it began.
    traces: given('traces') ? opts.traces : (run.traces ?? opts.traces),
    ...Object.fromEntries(PINNED_DATASET_OPTIONS.map((k) => [k, opts[k] ?? run.datasetOptions[k]])),
  };
}
