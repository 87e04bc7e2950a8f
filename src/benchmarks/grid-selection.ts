import { gridMethodSpec, type MethodGrid } from '../rewards/method-grid.js';
import { allocate, seededOrder } from '../util/seeded-order.js';
import type { BootstrapOptions } from './bootstrap.js';
import type { MethodSummary } from './method-summary.js';
import type { PairedTest } from './paired-comparison.js';
import type { ScoreRecordStore } from './record-store.js';
import { summarizeMethods, type ProtocolAggregation } from './summarize-methods.js';

/** `--select-on dev[:FRACTION]`: the share of records the grid's setting is chosen on, and the seed of the split. */
export interface SelectOn {
  fraction: number;
  seed: number;
}

/** The measure cells are ranked and reported by: the protocol's headline, or accuracy. */
export interface SelectionMeasure {
  title: string;
  value(m: MethodSummary): number | null | undefined;
  ci95(m: MethodSummary): [number, number] | null | undefined;
}

/** A method's measure on one part of the records. */
export interface PartScore {
  value: number | null;
  ci95: [number, number] | null;
}

/** summary.json's `selection`: a setting chosen on one part of the records and reported on the other. */
export interface GridSelection {
  measure: string;
  fraction: number;
  seed: number;
  records: { selection: number; heldOut: number };
  /** The cell best on the selection part (ties: smaller α, then smaller γ), with its score on each part. */
  chosen: { spec: string; alpha: number; gamma: number; selection: PartScore; heldOut: PartScore };
  /** endorm at α = 1, γ = 1 on the same parts, when the run scored it. */
  default: { spec: string; selection: PartScore; heldOut: PartScore } | null;
  /** Chosen against default on the held-out part's comparisons (exact McNemar); null when they are one method. */
  pairedTest: PairedTest | null;
  /** For contrast only: the cell best on all records, i.e. what picking on the reported records would claim. */
  bestOnAll: { spec: string; alpha: number; gamma: number; value: number } | null;
}

const DEFAULT_SPECS = [gridMethodSpec(1, 1), 'endorm', 'endorm:alpha=1', 'endorm:gamma=1', 'endorm:gamma=1,alpha=1'];

/** The run's method that is endorm's default setting (α = 1, γ = 1, other parameters at their defaults), if scored. */
export function defaultSettingSpec(methods: Iterable<string>): string | undefined {
  const present = new Set(methods);
  return DEFAULT_SPECS.find((spec) => present.has(spec));
}

/**
 * The records split by a seed into the selection part (`fraction` of them, each group in proportion, so a domain is
 * never left out of one part) and the held-out part. Whole records go to one part: RM-Bench's nine cells of a record
 * stay together.
 */
export function splitRecords(records: readonly { key: string; group?: string }[], selectOn: SelectOn): { selection: Set<string>; heldOut: Set<string> } {
  const groups = new Map<string, string[]>();
  for (const r of records) {
    const group = r.group ?? '';
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push(r.key);
  }
  const lists = [...groups.values()];
  const shares = allocate(Math.round(selectOn.fraction * records.length), lists.map((l) => l.length));
  const selection = new Set<string>();
  // Salted, so that the split is not the order --sample and --limit picked records in with the same seed.
  lists.forEach((keys, i) => {
    const order = seededOrder(selectOn.seed, keys.map((k) => `select-on\u0000${k}`)).map((k) => k.slice('select-on\u0000'.length));
    for (const key of order.slice(0, shares[i])) selection.add(key);
  });
  return { selection, heldOut: new Set(records.map((r) => r.key).filter((k) => !selection.has(k))) };
}

/**
 * `--select-on dev`: picks the grid's best cell by `measure` on the selection part and reports it, beside the default
 * setting, on the held-out part, with intervals and a paired test; the reports then mark that cell and nothing else.
 * Undefined for a run without a grid or whose grid has no scored cell.
 */
export function selectOnDev(
  store: ScoreRecordStore,
  options: { grid: MethodGrid; selectOn: SelectOn; methods: Readonly<Record<string, MethodSummary>>; measure: SelectionMeasure; protocol?: ProtocolAggregation; bootstrap?: BootstrapOptions },
): GridSelection | undefined {
  const { grid, selectOn, measure } = options;
  const cells = grid.alphas.flatMap((alpha) => grid.gammas.map((gamma) => ({ alpha, gamma, spec: gridMethodSpec(alpha, gamma) }))).filter((c) => options.methods[c.spec]);
  if (cells.length === 0) return undefined;
  const defaultSpec = defaultSettingSpec(Object.keys(options.methods));
  const specs = [...new Set([...cells.map((c) => c.spec), ...(defaultSpec ? [defaultSpec] : [])])];
  const { selection, heldOut } = splitRecords([...store.pairs()], selectOn);
  const summarize = (part: Set<string>) =>
    summarizeMethods(store, {
      methods: specs,
      only: (key) => part.has(key),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      ...(defaultSpec ? { reference: defaultSpec } : {}),
      ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    });
  const onSelection = summarize(selection);
  const onHeldOut = summarize(heldOut);
  const score = (m: MethodSummary | undefined): PartScore => ({ value: (m && measure.value(m)) ?? null, ci95: (m && measure.ci95(m)) ?? null });
  const best = (read: (spec: string) => number | null | undefined) => {
    let top: ((typeof cells)[number] & { value: number }) | undefined;
    for (const c of cells) {
      const value = read(c.spec);
      if (value !== null && value !== undefined && (top === undefined || value > top.value)) top = { ...c, value };
    }
    return top;
  };
  const chosen = best((spec) => measure.value(onSelection[spec]!));
  if (!chosen) return undefined;
  const bestOnAll = best((spec) => measure.value(options.methods[spec]!));
  return {
    measure: measure.title,
    fraction: selectOn.fraction,
    seed: selectOn.seed,
    records: { selection: selection.size, heldOut: heldOut.size },
    chosen: { spec: chosen.spec, alpha: chosen.alpha, gamma: chosen.gamma, selection: score(onSelection[chosen.spec]), heldOut: score(onHeldOut[chosen.spec]) },
    default: defaultSpec ? { spec: defaultSpec, selection: score(onSelection[defaultSpec]), heldOut: score(onHeldOut[defaultSpec]) } : null,
    pairedTest: defaultSpec && defaultSpec !== chosen.spec ? (onHeldOut[chosen.spec]!.vsReference ?? null) : null,
    bestOnAll: bestOnAll ? { spec: bestOnAll.spec, alpha: bestOnAll.alpha, gamma: bestOnAll.gamma, value: bestOnAll.value } : null,
  };
}

/** `dev` or `dev:0.3` → the selection part's share; a usage message for anything else. */
export function parseSelectOn(text: string): number {
  const match = /^dev(?::([0-9.]+))?$/.exec(text.trim());
  const fraction = match ? (match[1] === undefined ? DEFAULT_DEV_FRACTION : Number(match[1])) : NaN;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`expected dev or dev:FRACTION with FRACTION between 0 and 1 (e.g. dev:0.3), got "${text}"`);
  return fraction;
}

export const DEFAULT_DEV_FRACTION = 0.5;
