import type { ModelProto } from './onnx-proto.js';

/**
 * What a scoring graph needs from the session that runs it so that a sequence's scores do not depend on what it is
 * batched with, recorded in the graph's metadata (each value says why): the rewrite knows the layout, the session
 * only reads the file it was given.
 */
export interface RunConstraints {
  /** Every sequence runs whole: no run on a cached prompt (its quantisers take their range over the whole sequence). */
  noPromptCache?: string;
  /**
   * On the CPU, one sequence per run, whole (no padding, no cache): half-precision activations round every step to
   * float16, so the float32 reordering that padding or a cache causes (an ulp) flips roundings and moves scores by
   * up to 1e-4 relative.
   */
  oneSequencePerRunOnCpu?: string;
}

const KEYS: Record<keyof RunConstraints, string> = {
  noPromptCache: 'endorm.no_prompt_cache',
  oneSequencePerRunOnCpu: 'endorm.one_sequence_per_run_on_cpu',
};

export function withRunConstraints(model: ModelProto, constraints: RunConstraints): ModelProto['metadataProps'] {
  const ours = new Set(Object.values(KEYS));
  const kept = (model.metadataProps ?? []).filter((p) => !ours.has(p.key ?? ''));
  const added = (Object.keys(KEYS) as Array<keyof RunConstraints>).filter((k) => constraints[k]).map((k) => ({ key: KEYS[k], value: constraints[k]! }));
  return [...kept, ...added];
}

export function readRunConstraints(metadata: Map<string, string>): RunConstraints {
  const constraints: RunConstraints = {};
  for (const k of Object.keys(KEYS) as Array<keyof RunConstraints>) {
    const value = metadata.get(KEYS[k]);
    if (value) constraints[k] = value;
  }
  return constraints;
}
