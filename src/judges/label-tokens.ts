import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { PositionRequest, PositionResult } from '../engine/scoring-session.js';
import { encode } from '../formatting/format-response.js';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/** A verdict label and the surface forms that count as it ("Yes", " yes", ...). */
export interface LabelSpec {
  label: string;
  variants: string[];
}

/** A label with the token sequences its variants become right after the judge's answer prefix. */
export interface ResolvedLabel {
  label: string;
  variants: Array<{ text: string; ids: number[] }>;
}

export class LabelTokenError extends EndormError {
  readonly exitCode = EXIT.model;
  override name = 'LabelTokenError';
}

interface Node {
  /** Tokens from the answer position to this node. */
  path: number[];
  children: Map<number, Node>;
  /** Index of the label a variant ends here, if one does. */
  end?: number;
  /** Labels whose variants pass through or end at this node. */
  labels: Set<number>;
  /** Whether the distribution after this node is read (the label is not decided yet). */
  expand: boolean;
}

/**
 * Reads label probabilities at a judge's answer position from the scoring engine, without the full vocabulary ever
 * leaving it: each label token becomes a (position, target) read whose logit − logsumexp is its log-probability.
 *
 * Labels are token sequences after the answer prefix (see resolveLabels). They form a trie; a label is decided at the
 * first token of its variant that carries a visible character and that no other label shares. So "A" / "B" are read
 * from one distribution; "Yes" split into "Y" + "es" counts P("Y"); a leading-space token shared by " B" and " No"
 * (or a "1" that starts both "1" and "10") is read one step further, on a copy of the prompt that ends with that token:
 * P("10") = P("1")·P("0" | "1") and P("1") = P("1")·(1 − P("0" | "1")). A causal model's answer position is the same
 * in every copy, so each copy (a `continuation`) reads every trie level along its path: usually one sequence per
 * judge prompt, two when a tokenizer splits a label.
 */
export class LabelReader {
  /** Token paths appended to the judge prompt, one sequence each; `[[]]` when one distribution decides every label. */
  readonly continuations: number[][];
  private readonly reads: Array<Array<{ node: Node; depth: number; target: number }>>;

  private constructor(
    readonly labels: ResolvedLabel[],
    private readonly root: Node,
  ) {
    const expanded: Node[] = [];
    const walk = (n: Node) => {
      if (!n.expand) return;
      expanded.push(n);
      for (const c of n.children.values()) walk(c);
    };
    walk(root);
    const deepest = expanded.filter((n) => n !== root && ![...n.children.values()].some((c) => c.expand));
    this.continuations = deepest.length ? deepest.map((n) => n.path) : [[]];
    const readBy = new Map<Node, number>();
    for (const n of expanded) {
      const k = this.continuations.findIndex((c) => n.path.every((t, i) => c[i] === t));
      readBy.set(n, k);
    }
    this.reads = this.continuations.map(() => []);
    for (const n of expanded) {
      for (const target of n.children.keys()) this.reads[readBy.get(n)!]!.push({ node: n, depth: n.path.length, target });
    }
  }

  /**
   * Resolves labels to token sequences: each variant's tokens are those that `encode(context + variant)` adds to
   * `encode(context)`, where `context` is a judge prompt ending in its answer prefix; variants whose first token would
   * merge with the prefix are dropped. Tokens carry a visible character when their decoded text has a non-space one.
   */
  static resolve(
    tokenizer: PreTrainedTokenizer,
    context: string,
    addSpecialTokens: boolean,
    specs: LabelSpec[],
  ): LabelReader {
    const contextIds = encode(tokenizer, context, addSpecialTokens);
    const owner = new Map<string, string>();
    const labels: ResolvedLabel[] = specs.map((spec) => {
      const variants: ResolvedLabel['variants'] = [];
      for (const text of spec.variants) {
        const whole = encode(tokenizer, context + text, addSpecialTokens);
        if (whole.length <= contextIds.length || !contextIds.every((id, i) => whole[i] === id)) continue;
        const ids = whole.slice(contextIds.length);
        const key = ids.join(',');
        const other = owner.get(key);
        if (other !== undefined && other !== spec.label) {
          throw new LabelTokenError(`labels "${other}" and "${spec.label}" both become tokens [${key}] after the answer prefix`);
        }
        if (other === undefined) variants.push({ text, ids });
        owner.set(key, spec.label);
      }
      if (variants.length === 0) {
        throw new LabelTokenError(`label "${spec.label}" has no variant that tokenizes apart from the answer prefix "${context.slice(-20)}"`);
      }
      return { label: spec.label, variants };
    });
    const visible = (ids: number[]) => /\S/u.test(tokenizer.decode(ids, { skip_special_tokens: false }));
    return LabelReader.fromTokens(labels, visible);
  }

  /** Builds the reader from already resolved labels (tests and stubs). */
  static fromTokens(labels: ResolvedLabel[], isVisible: (ids: number[]) => boolean): LabelReader {
    const root: Node = { path: [], children: new Map(), labels: new Set(), expand: true };
    labels.forEach((l, li) => {
      for (const v of l.variants) {
        let n = root;
        n.labels.add(li);
        for (const t of v.ids) {
          let c = n.children.get(t);
          if (!c) n.children.set(t, (c = { path: [...n.path, t], children: new Map(), labels: new Set(), expand: false }));
          c.labels.add(li);
          n = c;
        }
        if (n.end !== undefined && n.end !== li) throw new LabelTokenError(`labels "${labels[n.end]!.label}" and "${l.label}" share tokens [${n.path}]`);
        n.end = li;
      }
    });
    const decide = (n: Node) => {
      for (const c of n.children.values()) {
        c.expand = c.children.size > 0 && (c.labels.size > 1 || !isVisible(c.path));
        if (c.expand) decide(c);
      }
    };
    decide(root);
    return new LabelReader(labels, root);
  }

  /** The most tokens a continuation adds to the prompt (room to leave under --max-length). */
  get extraTokens(): number {
    return Math.max(...this.continuations.map((c) => c.length));
  }

  /** One request per continuation: the prompt (its last token is the answer position) plus the continuation. */
  requests(promptIds: readonly number[]): PositionRequest[] {
    const answer = promptIds.length - 1;
    return this.continuations.map((c, k) => ({
      ids: [...promptIds, ...c],
      positions: this.reads[k]!.map((r) => answer + r.depth),
      targets: this.reads[k]!.map((r) => r.target),
    }));
  }

  /**
   * log P(label) for every label, from the results of `requests()` (same order). `alphaIndex` is the index of α = 1
   * among the session's `alphaCount` temperatures. Sums run in float64.
   */
  logProbs(results: readonly PositionResult[], alphaIndex: number, alphaCount: number): number[] {
    const cond = new Map<Node, Map<number, number>>();
    this.reads.forEach((reads, k) => {
      const r = results[k]!;
      reads.forEach((read, i) => {
        let m = cond.get(read.node);
        if (!m) cond.set(read.node, (m = new Map()));
        m.set(read.target, r.logits[i]! - r.logSumExp[i * alphaCount + alphaIndex]!);
      });
    });
    const parts: number[][] = this.labels.map(() => []);
    const visit = (n: Node, logP: number) => {
      if (n !== this.root && !n.expand) {
        parts[n.end ?? [...n.labels][0]!]!.push(logP);
        return;
      }
      const m = cond.get(n)!;
      let childMass = 0;
      for (const [t, c] of n.children) {
        const lc = m.get(t)!;
        childMass += Math.exp(lc);
        visit(c, logP + lc);
      }
      if (n.end !== undefined) parts[n.end]!.push(childMass >= 1 ? -Infinity : logP + Math.log1p(-childMass));
    };
    visit(this.root, 0);
    return parts.map(logSumExp);
  }

  /** Labels and their token ids, for run.json and tests. */
  describe(): Record<string, number[][]> {
    return Object.fromEntries(this.labels.map((l) => [l.label, l.variants.map((v) => v.ids)]));
  }
}

export function logSumExp(xs: readonly number[]): number {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/** P over the labels renormalised to sum to 1 (uniform when every label has probability 0). */
export function normalize(logProbs: readonly number[]): number[] {
  const total = logSumExp(logProbs);
  if (total === -Infinity) return logProbs.map(() => 1 / logProbs.length);
  return logProbs.map((l) => Math.exp(l - total));
}
