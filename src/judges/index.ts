export { JudgeFormatter, JudgeLengthError, judgeQuestion, cutLongestFirst, type EncodedJudgePrompt } from './judge-format.js';
export {
  METHOD_NAMES,
  JUDGE_METHOD_NAMES,
  isJudgeMethod,
  planMethods,
  createJudge,
  loadJudgePrompts,
  judgePromptFiles,
  type Judge,
  type JudgeSettings,
  type MethodPlan,
} from './judge-methods.js';
export { pairwiseJudgeBuilder, pairwiseJudgeTasks, pairwiseScore, positionAWins, PAIRWISE_LABELS, type PairwiseExtra } from './judge-pairwise.js';
export { pointwiseJudgeBuilder, ratingVerdict, RATING_LABELS, type PointwiseExtra } from './judge-pointwise.js';
export { verifierBuilder, verifierVerdict, VERIFIER_LABELS, type VerifierExtra } from './verifier.js';
export { prepareJudge, judgeItems, responseJudgeBuilder, type JudgeOptions, type PreparedJudge, type ResponseVerdict } from './judge-task.js';
export { LabelReader, LabelTokenError, logSumExp, normalize, type LabelSpec, type ResolvedLabel } from './label-tokens.js';
export { loadJudgePrompt, parseJudgePrompt, fillPlaceholders, builtinPromptPath, JudgePromptError, JUDGE_PLACEHOLDERS, type JudgePrompt } from './prompt-template.js';
