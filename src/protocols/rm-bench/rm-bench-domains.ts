/**
 * RM-Bench (Liu et al., ICLR 2025): its sections in the order its paper's table lists them, each with the upstream
 * data files (`<domain>_filtered.json`) it is read from; the two safety files are pooled into one section.
 */
export const RM_BENCH_SECTIONS = [
  { section: 'chat', domains: ['chat'] },
  { section: 'math', domains: ['math'] },
  { section: 'code', domains: ['code'] },
  { section: 'safety', domains: ['safety-refuse', 'safety-response'] },
] as const;

export type RmBenchSection = (typeof RM_BENCH_SECTIONS)[number]['section'];
export type RmBenchDomain = (typeof RM_BENCH_SECTIONS)[number]['domains'][number];

/** The report's columns, in the paper's order. */
export const RM_BENCH_DOMAINS: readonly RmBenchSection[] = RM_BENCH_SECTIONS.map((s) => s.section);

/** The data files' domains in upstream's order (alphabetical), the order a folder's files are read in. */
export const RM_BENCH_FILE_DOMAINS: readonly RmBenchDomain[] = RM_BENCH_SECTIONS.flatMap((s) => s.domains).sort();

/** Styles in index order: rows of the matrix are the chosen response's style, columns the rejected one's. */
export const RM_BENCH_STYLES = ['concise', 'detailed', 'markdown'] as const;

export function isRmBenchDomain(value: string): value is RmBenchDomain {
  return (RM_BENCH_FILE_DOMAINS as readonly string[]).includes(value);
}

/**
 * The section a record group counts toward: a file domain, or a section's own name (case-insensitive); any
 * `safety-…` group pools into safety. Undefined for a group RM-Bench does not have.
 */
export function rmBenchDomainOf(group: string | undefined): RmBenchSection | undefined {
  if (group === undefined) return undefined;
  const name = group.toLowerCase();
  if (name === 'safety' || name.startsWith('safety-')) return 'safety';
  return RM_BENCH_SECTIONS.find((s) => s.section === name || (s.domains as readonly string[]).includes(name))?.section;
}
