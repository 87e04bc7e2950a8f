import type { HeadlineSummary } from '../benchmarks/method-summary.js';
import { percent, percentCi } from '../render/format.js';

/** What a method line reads from summary.json's `methods[spec]`. */
export interface MethodLineInput {
  headline?: HeadlineSummary;
  accuracy: number | null;
  ci95?: [number, number] | null;
  pairs: number;
  ties: number;
  position?: { consistency: number; firstPositionBias: number };
}

/**
 * A method's console line. A protocol's headline comes first (RM-Bench: its average with its interval, then easy /
 * normal / hard), so that the first number printed is the one its paper reports; the accuracy over every comparison
 * follows as "pooled accuracy". Without a headline, accuracy is the headline.
 */
export function methodLine(spec: string, m: MethodLineInput): string {
  const position = m.position
    ? `; position consistency ${percent(m.position.consistency)}%, first-position bias ${percent(m.position.firstPositionBias)}%`
    : '';
  const counts = `(${m.pairs} pairs, ${m.ties} ties${position})`;
  const accuracy = `${percent(m.accuracy)}%${m.ci95 ? ` [${percentCi(m.ci95)}]` : ''}`;
  if (!m.headline) return `  ${spec.padEnd(28)} accuracy ${accuracy}  ${counts}`;
  const h = m.headline;
  const parts = Object.entries(h.parts ?? {}).map(([name, p]) => `${name} ${percent(p.value)}`);
  return (
    `  ${spec.padEnd(28)} ${h.title} ${percent(h.value)}%${h.ci95 ? ` [${percentCi(h.ci95)}]` : ''}` +
    `${parts.length ? ` (${parts.join(', ')})` : ''}  pooled accuracy ${accuracy}  ${counts}`
  );
}
