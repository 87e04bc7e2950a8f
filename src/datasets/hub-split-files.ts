/**
 * Which files of a Hub dataset repository make up a split, by the Hub's file-name conventions
 * (https://huggingface.co/docs/hub/datasets-file-names-and-splits), in the order the `datasets` library tries them:
 *   1. shards named for the split: `[data/]SPLIT-00000-of-00003[...].EXT` (what `push_to_hub` writes; the only way to
 *      name a split other than train/validation/test by file name);
 *   2. one file named for the split: `[data/]SPLIT.EXT`;
 *   3. a folder named for the split: `[data/]SPLIT/**.EXT`.
 * EXT is parquet, jsonl or json. Not supported: splits declared in the dataset card's YAML `configs`, split names
 * merely contained in a file name ("my_train_file.csv"), the train/dev/eval synonyms, and subsets (configurations).
 */

export type HubDataFormat = 'parquet' | 'jsonl' | 'json';

/** On a tie in file count, the first wins: a dataset that ships both usually converted its JSON to Parquet. */
const FORMATS: readonly HubDataFormat[] = ['parquet', 'jsonl', 'json'];
const EXT = '\\.(parquet|jsonl|json)$';
const NAME = '\\w+(?:\\.\\w+)*';
/** JSON files the datasets library writes about a dataset, not rows of it. */
const METADATA = new Set(['dataset_info', 'dataset_infos', 'dataset_dict', 'state']);

export interface SplitFiles {
  split: string;
  format: HubDataFormat;
  /** Repository paths in name order, which is shard order. */
  files: string[];
}

function patterns(split: string): RegExp[] {
  return [`-\\d+-of-\\d+[^/]*${EXT}`, EXT, `/(?:[^/]+/)*[^/]+${EXT}`].map((tail) => new RegExp(`^(?:data/)?${split}${tail}`));
}

/** The files of `split`, in one format; undefined when no convention finds any. */
export function splitFiles(files: readonly string[], split: string): SplitFiles | undefined {
  const escaped = split.replace(/\./g, '\\.');
  for (const pattern of patterns(escaped)) {
    const matched = files.filter((file) => pattern.test(file));
    if (matched.length === 0) continue;
    // Mixed formats would be the same rows twice (a JSON export beside its Parquet conversion): keep the commonest,
    // as the datasets library does.
    const count = (format: HubDataFormat) => matched.filter((file) => file.endsWith(`.${format}`)).length;
    const format = FORMATS.reduce((best, f) => (count(f) > count(best) ? f : best));
    return { split, format, files: matched.filter((file) => file.endsWith(`.${format}`)).sort() };
  }
  return undefined;
}

/** Every split name the conventions above find, sorted. */
export function datasetSplits(files: readonly string[]): string[] {
  const found = new Set<string>();
  const [shards, single, folder] = patterns(`(${NAME})`);
  for (const file of files) {
    const name = (shards!.exec(file) ?? single!.exec(file) ?? folder!.exec(file))?.[1];
    // "data/" is the conventional home of data files, not a split called "data".
    if (name === undefined || METADATA.has(name)) continue;
    if (!(name === 'data' && file.startsWith('data/'))) found.add(name);
  }
  return [...found].sort();
}

/** The split to read when none is named: "train" if there is one, else the only split; undefined when ambiguous. */
export function defaultSplit(files: readonly string[]): string | undefined {
  const splits = datasetSplits(files);
  if (splits.includes('train')) return 'train';
  return splits.length === 1 ? splits[0] : undefined;
}
