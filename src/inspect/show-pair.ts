import { stat } from 'node:fs/promises';
import { distance as levenshtein } from 'fastest-levenshtein';
import { pinnedHfDatasetSpec } from '../datasets/hf-dataset-files.js';
import type { ChatMessage, Pair } from '../datasets/pair.js';
import { alphaIndex } from '../engine/token-trace.js';
import { loadTokenizer } from '../model/load-tokenizer.js';
import { resolveDatasetSource } from '../protocols/dataset-source.js';
import { openBenchmarkDataset } from '../protocols/open-benchmark.js';
import { protocolOfKind } from '../protocols/registry.js';
import { explainMissingTraces } from '../methods/traced-methods.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { locateTraces } from '../run-store/locate-traces.js';
import { readScoreLines } from '../run-store/read-score-lines.js';
import { readRunManifest, type RunManifest } from '../run-store/run-manifest.js';
import type { ResponseScoreRecord } from '../run-store/score-record.js';
import { scoresPath } from '../run-store/scores-file.js';
import { TraceSource } from '../run-store/trace-source.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';
import { describeTrace, tokenizerDecode } from './inspect-response.js';
import { readRunRecords, recordVerdicts, verdictLines, type MethodVerdict } from './record-verdicts.js';
import type { Decode } from './token-texts.js';
import type { TokenViewPage, TokenViewResponse } from './token-view-html.js';

export interface ShowPairOptions {
  run: string;
  /** The record's key (RM-Bench: "chat/17") or its id when that is unique in the run. */
  pair: string;
  /** Temperature of the per-token values; default 1 (always traced). */
  alpha?: number;
  /** Model folder whose tokenizer decodes the tokens; default run.json's model.path. */
  model?: string;
}

export interface ShownPair {
  manifest: RunManifest;
  pair: string;
  id: string;
  group?: string;
  /** The record's prompt (and system message), read back from run.json's dataset; absent when it cannot be (a note says why). */
  prompt?: string | ChatMessage[];
  system?: string;
  alpha: number;
  responses: TokenViewResponse[];
  /** Each method's verdict on the record (RM-Bench: its chosen × rejected matrix; a judge: both orders). */
  verdicts: MethodVerdict[];
  /** The same as console lines. */
  verdictLines: string[];
  notes: string[];
}

/** The asked-for record is not in the run (or the id is ambiguous): a usage mistake, not a damaged folder. */
export class RecordNotFoundError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'RecordNotFoundError';
}

/** A prompt as text: a chat as `role: content` turns, the system message first. */
export function promptText(prompt: string | ChatMessage[], system?: string): string {
  const turns = typeof prompt === 'string' ? [prompt] : prompt.map((m) => `${m.role}: ${m.content}`);
  return [...(system ? [`system: ${system}`] : []), ...turns].join('\n');
}

/** How many keys a RecordNotFoundError suggests. */
const SUGGESTED_KEYS = 5;

/** One record of a run, token by token, from its traces: what `endorm show` prints or renders. */
export async function showPair(o: ShowPairOptions): Promise<ShownPair> {
  const manifest = await readRunManifest(o.run);
  const records = await recordLines(o.run, o.pair);
  const asked = await datasetRecord(manifest, records[0]!.pair);
  const tracesDirs = await locateTraces(o.run, manifest).catch((err: unknown) => {
    throw explainMissingTraces(err, o.run, manifest.settings.methods);
  });
  const traces = await TraceSource.open(tracesDirs);
  const responses: TokenViewResponse[] = [];
  const notes: string[] = [];
  const alpha = o.alpha ?? 1;
  try {
    if (!traces.alphas.some((a) => a === alpha)) {
      throw new MethodSpecError(`--alpha ${alpha} was not traced in ${tracesDirs.join(', ')} (traced: α = ${traces.alphas.join(', ')})`);
    }
    const decode = await runDecoder(o.model ?? manifest.model.path, notes);
    const label = (index: number) => protocolOfKind(manifest.dataset.kind).responseLabel?.(index);
    for (const record of records) {
      const trace = await traces.read(record);
      if (!trace) {
        notes.push(`${record.role}[${record.index}] has no token trace.`);
        continue;
      }
      alphaIndex(trace, alpha);
      const { tokens } = describeTrace(trace, { response: '', alpha }, decode);
      responses.push({
        role: record.role,
        index: record.index,
        ...(label(record.index) ? { label: label(record.index)! } : {}),
        tokens,
        scores: record.scores,
        truncated: record.truncated,
      });
    }
  } finally {
    await traces.close();
  }
  const first = records[0]!;
  if ('note' in asked) notes.unshift(asked.note);
  const protocol = protocolOfKind(manifest.dataset.kind);
  const run = await readRunRecords(o.run);
  const record = run.records.find((r) => r.key === first.pair)!;
  const verdicts = recordVerdicts(record, run.kinds, protocol.shape);
  return {
    manifest,
    pair: first.pair,
    id: first.id,
    ...(first.group !== undefined ? { group: first.group } : {}),
    ...('prompt' in asked ? { prompt: asked.prompt, ...(asked.system !== undefined ? { system: asked.system } : {}) } : {}),
    alpha,
    responses,
    verdicts,
    verdictLines: verdictLines(record, verdicts, (i) => protocol.responseLabel?.(i)),
    notes,
  };
}

/** One line of `endorm show RUN` without `--pair`: a record's key and each method's verdict on it. */
export interface ListedRecord {
  key: string;
  id: string;
  group?: string;
  verdicts: { method: string; right: number; total: number; ties: number }[];
}

/** Every record of a run, in key order, with each method's verdict: what to pass to `--pair`. */
export async function listRecords(run: string): Promise<{ methods: string[]; records: ListedRecord[] }> {
  const manifest = await readRunManifest(run);
  const protocol = protocolOfKind(manifest.dataset.kind);
  const { records, kinds } = await readRunRecords(run);
  return {
    methods: [...kinds.keys()],
    records: records.map((r) => {
      const line = r.chosen.values().next().value ?? r.rejected.values().next().value ?? r.comparisons.values().next().value;
      return {
        key: r.key,
        id: line?.id ?? r.key,
        ...(r.group !== undefined ? { group: r.group } : {}),
        verdicts: recordVerdicts(r, kinds, protocol.shape).map(({ method, right, total, ties }) => ({ method, right, total, ties })),
      };
    }),
  };
}

/**
 * The record's prompt, from the dataset run.json names (scores.jsonl keeps no text): read again with the run's
 * dataset options, and only when the file still has the run's sha256, so that a prompt shown is the one scored. A Hub
 * split is read from the cache at the commit the run read (never downloaded: show runs offline), by the run's protocol.
 */
async function datasetRecord(manifest: RunManifest, key: string): Promise<{ prompt: Pair['prompt']; system?: string } | { note: string }> {
  const { path: file, sha256, hub } = manifest.dataset;
  const path = hub ? pinnedHfDatasetSpec(hub) : file;
  const unavailable = (why: string) => ({ note: `The prompt is not shown: ${why}.` });
  if (!hub && (!file || !(await isRereadable(file)))) return unavailable(`the dataset ${manifest.dataset.spec} was a stream, read once`);
  let dataset;
  try {
    const source = hub ? { ...(await resolveDatasetSource(path, { offline: true })), protocol: protocolOfKind(manifest.dataset.kind) } : file;
    ({ dataset } = await openBenchmarkDataset(source, { ...manifest.dataset.options, ...(manifest.dataset.options?.['dedupeIds'] === 'true' ? { dedupeIds: true } : {}), skipInvalid: true }));
  } catch (err) {
    return unavailable(`the dataset ${path} cannot be read (${(err as Error).message})`);
  }
  if (sha256 && dataset.sha256 !== sha256) return unavailable(`${path} changed since the run (its sha256 is not run.json's)`);
  for await (const pair of dataset.pairs()) {
    if (pair.key === key) return { prompt: pair.prompt, ...(pair.system !== undefined ? { system: pair.system } : {}) };
  }
  return unavailable(`${path} has no record ${key}`);
}

async function isRereadable(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && (info.isFile() || info.isDirectory());
}

export function shownPairPage(shown: ShownPair): TokenViewPage {
  const { manifest } = shown;
  return {
    title: `${shown.pair}${shown.group ? ` (${shown.group})` : ''}`,
    details: [
      ['Record', `${shown.pair} (id ${shown.id})${shown.group ? `, group ${shown.group}` : ''}`],
      ...(shown.prompt !== undefined ? [['Prompt', promptText(shown.prompt, shown.system)] as [string, string]] : []),
      ['Model', manifest.model.spec],
      ['Dataset', `${manifest.dataset.name} (${manifest.dataset.spec})`],
      ['Settings', `template ${manifest.settings.template}, max length ${manifest.settings.maxLength}, α = ${shown.alpha}`],
    ],
    alpha: shown.alpha,
    responses: shown.responses,
    verdicts: shown.verdictLines,
    notes: shown.notes,
  };
}

/** The response lines of one record (later lines win, as in every reader of scores.jsonl), chosen before rejected. */
async function recordLines(run: string, wanted: string): Promise<ResponseScoreRecord[]> {
  const byKey = new Map<string, Map<string, ResponseScoreRecord>>();
  const idToKeys = new Map<string, Set<string>>();
  const keys = new Set<string>();
  await readScoreLines(scoresPath(run), (r) => {
    if (r.type !== 'response') return;
    keys.add(r.pair);
    if (r.pair !== wanted && r.id !== wanted) return;
    let lines = byKey.get(r.pair);
    if (!lines) byKey.set(r.pair, (lines = new Map()));
    lines.set(`${r.role}/${r.index}`, r);
    if (!idToKeys.has(r.id)) idToKeys.set(r.id, new Set());
    idToKeys.get(r.id)!.add(r.pair);
  });
  let lines = byKey.get(wanted);
  if (!lines) {
    const named = [...(idToKeys.get(wanted) ?? [])];
    if (named.length > 1) throw new RecordNotFoundError(`id ${wanted} names ${named.length} records in ${run} (${named.join(', ')}); pass one of these keys`);
    if (named.length === 0) {
      const closest = closestKeys(wanted, keys, SUGGESTED_KEYS);
      throw new RecordNotFoundError(
        `no record with key or id "${wanted}" in ${scoresPath(run)}` +
          (closest.length ? `; closest of its ${keys.size} keys: ${closest.join(', ')}` : ' (it has no response lines)'),
      );
    }
    lines = byKey.get(named[0]!)!;
  }
  const order = (r: ResponseScoreRecord) => (r.role === 'chosen' ? 0 : 1) * 1e6 + r.index;
  return [...lines.values()].sort((a, b) => order(a) - order(b));
}

/** The `count` keys nearest to `wanted` by edit distance (ties in key order): what a mistyped --pair most likely meant. */
export function closestKeys(wanted: string, keys: Iterable<string>, count: number): string[] {
  return [...keys]
    .map((key) => ({ key, d: levenshtein(wanted, key) }))
    .sort((a, b) => a.d - b.d || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, count)
    .map((k) => k.key);
}

/** The run's tokenizer; without one (model folder moved), tokens are shown by id and a note says why. */
async function runDecoder(modelPath: string, notes: string[]): Promise<Decode> {
  try {
    return tokenizerDecode(await loadTokenizer(modelPath));
  } catch (err) {
    notes.push(`Tokens are shown by id: the tokenizer could not be loaded (${(err as Error).message}); pass --model FOLDER.`);
    return (ids) => ids.map((id) => `⟨${id}⟩`).join('');
  }
}
