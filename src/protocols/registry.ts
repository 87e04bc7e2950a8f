import { HF_DATASET_USAGE } from '../datasets/hf-dataset-spec.js';
import { HubError } from '../model/hub/hub-errors.js';
import { pairsProtocol } from './pairs/pairs-protocol.js';
import type { BenchmarkProtocol, HubAlias, HubFileAlias } from './protocol.js';
import { rewardBench2Protocol } from './reward-bench-2/reward-bench-2-protocol.js';
import { rewardBenchProtocol } from './reward-bench/reward-bench-protocol.js';
import { rmBenchProtocol } from './rm-bench/rm-bench-protocol.js';

/**
 * The benchmark protocols endorm knows, asked in this order whether they read a dataset. A new protocol is one line
 * here (or a `registerProtocol` call); the generic pairwise protocol reads what none of them claims.
 */
const BUILT_IN: readonly BenchmarkProtocol[] = [rewardBench2Protocol, rmBenchProtocol, rewardBenchProtocol];

const FALLBACK = pairsProtocol;

const registered: BenchmarkProtocol[] = [];

/** Adds a protocol after the built-in ones (a plug-in, a test); returns the call that removes it again. */
export function registerProtocol(protocol: BenchmarkProtocol): () => void {
  const taken = protocols().find((p) => ownsKind(p, protocol.name) || (protocol.kinds ?? []).some((k) => ownsKind(p, k)));
  if (taken) throw new Error(`a protocol named ${JSON.stringify(protocol.name)} (or one of its kinds) is already registered: ${taken.name}`);
  registered.push(protocol);
  return () => {
    const at = registered.indexOf(protocol);
    if (at >= 0) registered.splice(at, 1);
  };
}

/** Every protocol, in the order they are asked; the generic pairwise one last. */
export function protocols(): BenchmarkProtocol[] {
  return [...BUILT_IN, ...registered, FALLBACK];
}

/** The protocol of a run, by run.json's `dataset.kind`; a kind no protocol owns is read as plain pairs. */
export function protocolOfKind(kind: string): BenchmarkProtocol {
  return protocols().find((p) => ownsKind(p, kind)) ?? FALLBACK;
}

function ownsKind(protocol: BenchmarkProtocol, kind: string): boolean {
  return protocol.name === kind || (protocol.kinds ?? []).includes(kind);
}

/** `--format` values: auto, the pair file formats, then each benchmark's. */
export function datasetFormats(): string[] {
  return ['auto', ...FALLBACK.formats, ...protocols().filter((p) => p !== FALLBACK).flatMap((p) => p.formats)];
}

/** What `--dataset` takes, for --help: every protocol's kind of input, a Hub split, then the Hub aliases. */
export function datasetHelp(): string {
  const kinds = [FALLBACK, ...protocols().filter((p) => p !== FALLBACK)].map((p) => p.describe);
  const hub = `a Hub dataset split ${HF_DATASET_USAGE} (Parquet, JSONL or JSON files)`;
  const aliases = [...hubAliases().keys()].map((a) => JSON.stringify(a));
  return [...kinds, hub, ...(aliases.length ? [`or ${aliases.join(', ')}`] : [])].join(', ');
}

/** `--dataset NAME` values fetched from the Hub, with the protocol that reads what they fetch. */
export function hubAliases(): Map<string, HubAlias & { protocol: BenchmarkProtocol }> {
  const aliases = new Map<string, HubAlias & { protocol: BenchmarkProtocol }>();
  for (const protocol of protocols()) {
    for (const [name, alias] of Object.entries(protocol.hubAliases ?? {})) aliases.set(name, { ...alias, protocol });
  }
  return aliases;
}

export function isHubDatasetAlias(name: string): boolean {
  return hubAliases().has(name);
}

/**
 * The local path of a Hub alias's files, downloaded into the cache on first use. An alias for a split is resolved as
 * `hf:` is, by resolveDatasetSource.
 */
export async function resolveHubDataset(alias: string, options: Parameters<HubFileAlias['fetch']>[0] = {}): Promise<string> {
  const aliases = hubAliases();
  const found = aliases.get(alias);
  if (!found) throw new HubError('invalid', `unknown Hub dataset "${alias}" (known: ${[...aliases.keys()].join(', ')})`);
  if (!('fetch' in found)) throw new HubError('invalid', `Hub dataset "${alias}" is a split of ${found.repo}, not files: open it with resolveDatasetSource`);
  return found.fetch(options);
}
