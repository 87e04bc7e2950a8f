import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { expectObject, labelValue, recordId, requiredString, sourceOf } from '../../datasets/field-mapping.js';
import { fileError, InputError, recordError } from '../../datasets/input-error.js';
import { isStreamInput } from '../../datasets/byte-source.js';
import { readJsonArrayRecords } from '../../datasets/json-reader.js';
import { fileSha256, folderSha256, guarded, type Dataset } from '../../datasets/open-dataset.js';
import type { Pair } from '../../datasets/pair.js';
import type { RawRecord } from '../../datasets/raw-record.js';
import type { BenchmarkDatasetOptions, DatasetInput } from '../protocol.js';
import { isRmBenchDomain, RM_BENCH_DOMAINS, RM_BENCH_FILE_DOMAINS, RM_BENCH_STYLES, rmBenchDomainOf, type RmBenchDomain } from './rm-bench-domains.js';

/**
 * RM-Bench's files: per prompt, three chosen and three rejected responses in the style order [concise, detailed plain,
 * detailed markdown]. Ids are unique only within a domain, hence keys like "chat/17".
 */
export const RM_BENCH_TOTAL_FILE = 'total_dataset.json';
const STYLES = RM_BENCH_STYLES.length;

/** `chat_filtered.json` → 'chat'; undefined for anything that is not one of the five upstream per-domain files. */
export function rmBenchFileDomain(fileName: string): RmBenchDomain | undefined {
  const prefix = /^(.+)_filtered\.json$/.exec(basename(fileName))?.[1];
  return prefix !== undefined && isRmBenchDomain(prefix) ? prefix : undefined;
}

export function isRmBenchFileName(fileName: string): boolean {
  return basename(fileName) === RM_BENCH_TOTAL_FILE || rmBenchFileDomain(fileName) !== undefined;
}

/**
 * The files of an RM-Bench folder, in domain order. total_dataset.json already holds every domain, so when it is there
 * it is read alone: reading the per-domain files as well would count every record twice.
 */
export async function listRmBenchFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw fileError(folder, error);
  }
  if (names.includes(RM_BENCH_TOTAL_FILE)) return [join(folder, RM_BENCH_TOTAL_FILE)];
  const files = RM_BENCH_FILE_DOMAINS.map((d) => `${d}_filtered.json`).filter((n) => names.includes(n));
  if (files.length === 0) {
    throw new InputError({
      code: 'unreadable',
      file: folder,
      reason: `no RM-Bench file in this folder (expected ${RM_BENCH_TOTAL_FILE} or <domain>_filtered.json for ${RM_BENCH_FILE_DOMAINS.join(', ')})`,
    });
  }
  return files.map((n) => join(folder, n));
}

/**
 * Pairs of RM-Bench files, read one after the other. The domain comes from the file name, or from each record's
 * `domain` field for total_dataset.json (and for any file whose name does not say). Responses are kept byte for byte.
 */
export async function* readRmBench(files: readonly { path: string; displayName: string }[]): AsyncGenerator<Pair | InputError> {
  const seen = new Set<string>();
  for (const file of files) {
    const fileDomain = rmBenchFileDomain(file.path);
    for await (const item of readJsonArrayRecords(file.path, file.displayName)) {
      if (item instanceof InputError) {
        yield item;
        continue;
      }
      let pair: Pair;
      try {
        pair = rmBenchRecordToPair(item, fileDomain);
      } catch (error) {
        if (error instanceof InputError) {
          yield error;
          continue;
        }
        throw error;
      }
      if (seen.has(pair.key)) {
        yield recordError(item.location, `duplicate id ${JSON.stringify(pair.id)} in domain ${pair.group}`, 'id');
        continue;
      }
      seen.add(pair.key);
      yield pair;
    }
  }
}

export function rmBenchRecordToPair(raw: RawRecord, fileDomain: RmBenchDomain | undefined): Pair {
  const { location } = raw;
  const record = expectObject(raw);
  const domain = fileDomain ?? parseDomain(record['domain'], raw);
  if (record['id'] === undefined) throw recordError(location, 'missing', 'id');
  const id = recordId(record, 'id', location);
  const prompt = requiredString(record['prompt'], 'prompt', location);
  const chosen = styleTriple(record['chosen'], 'chosen', raw);
  const rejected = styleTriple(record['rejected'], 'rejected', raw);
  return { key: `${domain}/${id}`, id, group: domain, prompt, chosen, rejected, source: sourceOf(location) };
}

function parseDomain(value: unknown, raw: RawRecord): RmBenchDomain {
  const text = labelValue(value, 'domain', raw.location);
  const normal = text.trim().toLowerCase().replace(/_/g, '-');
  if (!isRmBenchDomain(normal)) {
    throw recordError(raw.location, `unknown RM-Bench domain ${JSON.stringify(text)} (expected one of ${RM_BENCH_FILE_DOMAINS.join(', ')})`, 'domain');
  }
  return normal;
}

function styleTriple(value: unknown, field: string, raw: RawRecord): string[] {
  if (!Array.isArray(value)) {
    throw recordError(raw.location, value === undefined ? 'missing' : `expected a list of ${STYLES} strings`, field);
  }
  if (value.length !== STYLES) {
    throw recordError(raw.location, `expected ${STYLES} responses (concise, detailed, markdown), found ${value.length}`, field);
  }
  return value.map((text, i) => requiredString(text, `${field}[${i}]`, raw.location));
}

export interface RmBenchCoverage {
  /** Domains with at least one pair, in RM_BENCH_FILE_DOMAINS order. */
  present: RmBenchDomain[];
  /** The rest: a report must say so plainly ("math is missing"), since the overall score then leaves a domain out. */
  missing: RmBenchDomain[];
  counts: Record<RmBenchDomain, number>;
}

/** Coverage from groups already at hand (one entry per pair, e.g. from scores); unknown groups are ignored. */
export function rmBenchCoverage(groups: Iterable<string | undefined>): RmBenchCoverage {
  const counts = Object.fromEntries(RM_BENCH_FILE_DOMAINS.map((d) => [d, 0])) as Record<RmBenchDomain, number>;
  for (const group of groups) if (group !== undefined && isRmBenchDomain(group)) counts[group] += 1;
  return {
    present: RM_BENCH_FILE_DOMAINS.filter((d) => counts[d] > 0),
    missing: RM_BENCH_FILE_DOMAINS.filter((d) => counts[d] === 0),
    counts,
  };
}

/**
 * An RM-Bench folder (its files in domain order) or file: named `rm-bench`, or `rm-bench-<domain>` for one domain's
 * file; a folder's hash covers every file read (see folderSha256).
 */
export async function openRmBench(input: DatasetInput, options: BenchmarkDatasetOptions): Promise<Dataset> {
  const { spec, path } = input;
  // Its domain counts (run.json) and its records are two reads, which a stream cannot give.
  if (await isStreamInput(spec)) {
    throw new InputError({ code: 'unreadable', file: spec === '-' ? 'stdin' : spec, reason: 'RM-Bench is read from its files or folder, not from stdin, a pipe or a FIFO' });
  }
  if (input.isFolder) {
    const files = (await listRmBenchFiles(spec)).map((p) => ({ path: resolve(p), displayName: join(spec, basename(p)) }));
    return {
      name: 'rm-bench',
      kind: 'rm-bench',
      path,
      files: files.map((f) => f.path),
      sha256: await folderSha256(files.map((f) => f.path)),
      pairs: () => guarded(readRmBench(files), options, spec),
    };
  }
  const sha256 = await fileSha256(path, spec);
  const domain = rmBenchFileDomain(path);
  return {
    name: domain !== undefined ? `rm-bench-${domain}` : basename(path) === RM_BENCH_TOTAL_FILE ? 'rm-bench' : shortName(path),
    kind: 'rm-bench',
    path,
    files: [path],
    sha256,
    pairs: () => guarded(readRmBench([{ path, displayName: spec }]), options, spec),
  };
}

/** For run-folder names: the base name without extension, reduced to characters every file system accepts. */
function shortName(path: string): string {
  const stem = basename(path, extname(path)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return stem === '' ? 'dataset' : stem;
}

/** Records per section in the whole dataset (safety's two files pooled, as the reports pool them), for run.json. */
export async function rmBenchDomainRecords(dataset: { pairs(): AsyncIterable<Pair> }): Promise<Record<string, number>> {
  const { counts } = await rmBenchDomainsPresent(dataset);
  const pooled: Record<string, number> = Object.fromEntries(RM_BENCH_DOMAINS.map((d) => [d, 0]));
  for (const [file, records] of Object.entries(counts)) pooled[rmBenchDomainOf(file)!]! += records;
  return pooled;
}

/** Which domains a dataset holds, by reading it (RM-Bench is a few MB). A file with no records counts as missing. */
export async function rmBenchDomainsPresent(dataset: { pairs(): AsyncIterable<Pair> }): Promise<RmBenchCoverage> {
  const groups: (string | undefined)[] = [];
  for await (const pair of dataset.pairs()) groups.push(pair.group);
  return rmBenchCoverage(groups);
}
