import { pinnedHfDatasetSpec } from '../datasets/hf-dataset-files.js';
import { isHubDatasetAlias } from '../protocols/registry.js';
import { checkResumableManifest, readRunManifest } from '../run-store/run-manifest.js';
import type { PinnedDatasetOption } from '../run/resume.js';
import type { ShardSpec } from '../run/shard.js';

/** What `endorm score --resume DIR` takes from DIR's run.json: everything that decides what the scores mean. */
export interface RunOptionsFromManifest {
  model: string;
  /** A Hub model's commit (not its branch: a resume must read the files the run began with). */
  revision?: string;
  dtype: string;
  dataset: string;
  datasetOptions: Partial<Record<PinnedDatasetOption, string>>;
  methods: string[];
  template: 'chat' | 'none';
  scoreEot: boolean;
  maxLength: number;
  limit?: number;
  sample?: number;
  seed?: number;
  shard?: ShardSpec;
  reference?: string;
  /** --select-on's fraction. */
  selectOn?: number;
  /** Whether the run keeps token traces (absent in runs written before it was recorded). */
  traces?: boolean;
}

export async function runOptionsFromFolder(runDir: string): Promise<RunOptionsFromManifest> {
  const m = await readRunManifest(runDir);
  // Before the model loads: a hand-edited setting is refused naming it, not taken as the run's.
  checkResumableManifest(runDir, m);
  return {
    model: m.model.spec,
    ...(m.model.commit !== undefined ? { revision: m.model.commit } : {}),
    dtype: m.model.dtype,
    // The absolute path, so that a resume from another working folder reads the same file (its hash is checked); a
    // Hub split at the commit it was read at.
    dataset: m.dataset.hub ? pinnedHfDatasetSpec(m.dataset.hub) : isHubDatasetAlias(m.dataset.spec) ? m.dataset.spec : m.dataset.path,
    datasetOptions: { ...(m.dataset.options ?? {}) },
    methods: m.settings.methods,
    template: m.settings.template,
    scoreEot: m.settings.scoreEot,
    maxLength: m.settings.maxLength,
    ...(m.settings.limit !== undefined ? { limit: m.settings.limit } : {}),
    ...(m.settings.sample !== undefined ? { sample: m.settings.sample } : {}),
    ...(m.settings.seed !== undefined ? { seed: m.settings.seed } : {}),
    ...(m.settings.shard !== undefined ? { shard: m.settings.shard } : {}),
    ...(m.settings.reference !== undefined ? { reference: m.settings.reference } : {}),
    ...(m.settings.selectOn !== undefined ? { selectOn: m.settings.selectOn.fraction } : {}),
    ...(m.settings.traces !== undefined ? { traces: m.settings.traces } : {}),
  };
}
