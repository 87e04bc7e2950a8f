/**
 * The temperatures endorm scores with. The scoring head computes f/α (as f · (1/α)), its log-softmax and logsumexp in
 * float32, which carries 24 bits: far outside this range the numbers lose the logits without any NaN to say so
 * (measured on stories260K, 64 pairs: α = 1e-33 and 1e-35 gave 0% accuracy where α = 1 gives 100%, α = 1e16 gave 47
 * ties of 64, α = 1e30 all ties; see docs/input-limits.md). Inside it, with logits under 1e30 in magnitude, f/α stays
 * finite and the logits' differences stay above float32's rounding.
 */
export const ALPHA_MIN = 1e-6;
export const ALPHA_MAX = 1e6;

/** For messages: what a valid α is. */
export const ALPHA_RULE = `a temperature from ${ALPHA_MIN} to ${ALPHA_MAX} (the scoring head computes f/α in float32)`;

export function isUsableAlpha(x: number): boolean {
  return Number.isFinite(x) && x >= ALPHA_MIN && x <= ALPHA_MAX;
}
