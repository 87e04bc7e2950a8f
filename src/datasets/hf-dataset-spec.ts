import { HubError } from '../model/hub/hub-errors.js';
import { validateRepoId } from '../model/hub/hub-paths.js';

/** `hf:OWNER/NAME[@REVISION][:SPLIT]`: one split of a Hub dataset repository. */
export interface HfDatasetSpec {
  repo: string;
  /** Branch, tag or commit; absent means "main". */
  revision?: string;
  /** Absent means the Hub's default: "train", or the only split there is. */
  split?: string;
}

export const HF_DATASET_PREFIX = 'hf:';
/** The spec's form, for --help. */
export const HF_DATASET_USAGE = 'hf:OWNER/NAME[@REVISION][:SPLIT]';
const USAGE = `expected ${HF_DATASET_USAGE}, e.g. hf:my-org/my-pairs@v1.0:test`;

/** The `datasets` library's rule for split names; it also keeps "-" free to separate shard numbers. */
export const SPLIT_NAME = /^\w+(\.\w+)*$/;

export function isHfDatasetSpec(text: string): boolean {
  return text.startsWith(HF_DATASET_PREFIX);
}

/**
 * Reads a spec. Repository ids never hold "@" or ":", git refs never hold ":" and split names hold neither, so the
 * first ":" after the prefix starts the split and the first "@" before it the revision.
 */
export function parseHfDatasetSpec(text: string): HfDatasetSpec {
  const invalid = (what: string) => new HubError('invalid', `"${text}" is not a Hub dataset: ${what} (${USAGE})`);
  if (!isHfDatasetSpec(text)) throw invalid(`it does not start with "${HF_DATASET_PREFIX}"`);
  const body = text.slice(HF_DATASET_PREFIX.length);
  const colon = body.indexOf(':');
  const head = colon === -1 ? body : body.slice(0, colon);
  const at = head.indexOf('@');
  const repo = at === -1 ? head : head.slice(0, at);
  try {
    validateRepoId(repo, 'dataset');
  } catch {
    throw invalid(repo === '' ? 'the repository is missing' : `"${repo}" is not a repository id`);
  }
  const spec: HfDatasetSpec = { repo };
  if (at !== -1) {
    const revision = head.slice(at + 1);
    if (revision === '' || /[\s\\]|\.\.|^\/|\/$/.test(revision)) throw invalid(`"${revision}" is not a revision`);
    spec.revision = revision;
  }
  if (colon !== -1) {
    const split = body.slice(colon + 1);
    if (!SPLIT_NAME.test(split)) throw invalid(`"${split}" is not a split name (letters, digits, "_" and ".")`);
    spec.split = split;
  }
  return spec;
}

/** The spec as text, e.g. for a run's provenance with the revision replaced by the commit it resolved to. */
export function formatHfDatasetSpec(spec: HfDatasetSpec): string {
  const revision = spec.revision === undefined ? '' : `@${spec.revision}`;
  const split = spec.split === undefined ? '' : `:${spec.split}`;
  return `${HF_DATASET_PREFIX}${spec.repo}${revision}${split}`;
}
