import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { InputError } from '../datasets/input-error.js';
import type { Pair } from '../datasets/pair.js';
import { responseRequest, responseTrace } from '../engine/response-trace.js';
import type { PositionResult } from '../engine/scoring-session.js';
import type { TokenTrace } from '../engine/token-trace.js';
import type { TemplateMode } from '../formatting/format-response.js';
import { formatWithinLength } from '../formatting/format-within-length.js';
import { codePointCount } from '../formatting/text-cut.js';
import { readsModel, type ResponseMethod } from '../rewards/response-methods.js';
import { responseSlot } from '../run-store/scan-scores.js';
import { recordFields, type ResponseScoreRecord } from '../run-store/score-record.js';
import type { PairTask, TaskBuilder } from '../tasks/work-item.js';

export interface ResponseTaskOptions {
  tokenizer: PreTrainedTokenizer;
  template: TemplateMode;
  scoreEot: boolean;
  maxLength: number;
  alphas: number[];
  methods: ResponseMethod[];
  /** Receives each response's trace (for saving), with its record. */
  onTrace?: (record: ResponseScoreRecord, trace: TokenTrace) => void;
}

/** Every chosen and rejected response of a pair, scored by all per-response methods from one model pass. */
export function responseTaskBuilder(o: ResponseTaskOptions): TaskBuilder {
  const needsModel = readsModel(o.methods);
  return (pair: Pair): PairTask => {
    const responses = [
      ...pair.chosen.map((text, index) => ({ role: 'chosen' as const, index, text })),
      ...pair.rejected.map((text, index) => ({ role: 'rejected' as const, index, text })),
    ];
    let truncatedCount = 0;
    const prepared = responses.map((r) => {
      let formatted;
      try {
        formatted = formatWithinLength(o.tokenizer, { template: o.template, system: pair.system, prompt: pair.prompt, response: r.text, scoreEot: o.scoreEot }, o.maxLength);
      } catch (err) {
        throw new InputError({
          code: 'invalid-record',
          file: pair.source.file,
          line: pair.source.line,
          unit: pair.source.unit,
          field: `${r.role}[${r.index}]`,
          reason: (err as Error).message,
        });
      }
      if (formatted.truncated) truncatedCount++;
      return { ...r, formatted, result: undefined as PositionResult | undefined };
    });
    return {
      truncated: truncatedCount,
      parts: prepared.map((p) => ({
        slot: responseSlot(p.role, p.index),
        items: needsModel
          ? [
              {
                request: responseRequest(p.formatted),
                prefixKey: `${pair.key}\u0000${p.formatted.ids.slice(0, p.formatted.responseStart).join(',')}`,
                accept: (result: PositionResult) => {
                  p.result = result;
                },
              },
            ]
          : [],
        finish: (): ResponseScoreRecord => {
          const trace = p.result
            ? responseTrace(p.formatted, p.result, o.alphas)
            : { tokens: Int32Array.from(p.formatted.ids.slice(p.formatted.responseStart)), logits: new Float32Array(0), logSumExp: new Float32Array(0), alphas: [] };
          const scores: Record<string, number> = {};
          for (const m of o.methods) scores[m.spec] = m.score({ trace, text: p.text });
          const record: ResponseScoreRecord = {
            type: 'response',
            ...recordFields(pair),
            role: p.role,
            index: p.index,
            tokens: p.formatted.ids.length - p.formatted.responseStart,
            chars: codePointCount(p.text),
            truncated: p.formatted.truncated,
            scores,
          };
          if (p.result) o.onTrace?.(record, trace);
          return record;
        },
      })),
    };
  };
}
