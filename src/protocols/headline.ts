import type { MethodSummary } from '../benchmarks/method-summary.js';
import type { BenchmarkProtocol, Headline } from './protocol.js';

/**
 * The headline of a protocol that names none (plain pairs): accuracy over every comparison. Every protocol has a
 * headline through `headlineOf`, so the console, the reports and `--fail-under` read one number the same way
 * whatever the dataset; a new protocol that names its own gets all of them for free.
 */
export const ACCURACY_HEADLINE: Headline = {
  title: 'accuracy',
  short: 'Accuracy',
  value: (m) => m.accuracy,
  ci95: (m) => m.ci95,
};

/** The protocol's headline, or accuracy for a protocol without one. */
export function headlineOf(protocol: BenchmarkProtocol): Headline {
  return protocol.headline ?? ACCURACY_HEADLINE;
}

/** Whether the headline is a number of its own rather than pooled accuracy (then "pooled" is shown beside it). */
export function hasOwnHeadline(protocol: BenchmarkProtocol): boolean {
  return headlineOf(protocol) !== ACCURACY_HEADLINE;
}

/** A number of a method a reader (or `--fail-under METHOD@NAME=MIN`) can name. */
export interface NamedNumber {
  /** How messages call it: `RM-Bench average`, `pooled accuracy`, `RM-Bench chat`, `RM-Bench easy`. */
  label: string;
  value: number | null;
}

/** `headline` (the default), `pooled`, a part of the headline (RM-Bench: easy, normal, hard), or a section. */
export const HEADLINE_NAME = 'headline';
export const POOLED_NAME = 'pooled';

/** Every name `namedNumber` knows for a method of this protocol, in the order messages list them. */
export function numberNames(protocol: BenchmarkProtocol, m: MethodSummary): string[] {
  const names = [HEADLINE_NAME, POOLED_NAME, ...Object.keys(headlineOf(protocol).parts?.(m) ?? {})];
  for (const section of protocol.sections ?? []) {
    if (protocol.sectionScore?.(m, section) !== undefined && !names.includes(section)) names.push(section);
  }
  return names;
}

/**
 * A method's number by name, matched without regard to case: the headline, pooled accuracy, a headline part or a
 * protocol section. Undefined for a name this protocol does not have.
 */
export function namedNumber(protocol: BenchmarkProtocol, m: MethodSummary, name: string = HEADLINE_NAME): NamedNumber | undefined {
  const headline = headlineOf(protocol);
  const wanted = name.toLowerCase();
  if (wanted === HEADLINE_NAME) return { label: headline.title, value: headline.value(m) ?? null };
  if (wanted === POOLED_NAME) return { label: hasOwnHeadline(protocol) ? 'pooled accuracy' : 'accuracy', value: m.accuracy };
  const parts = headline.parts?.(m) ?? {};
  const part = Object.keys(parts).find((p) => p.toLowerCase() === wanted);
  if (part !== undefined) return { label: `${protocol.label} ${part}`, value: parts[part]!.value };
  const section = (protocol.sections ?? []).find((s) => s.toLowerCase() === wanted);
  if (section !== undefined) {
    const value = protocol.sectionScore?.(m, section);
    if (value !== undefined) return { label: protocol.report?.sectionLabel?.(section) ?? `${protocol.label} ${section}`, value };
  }
  return undefined;
}
