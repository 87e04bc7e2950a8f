import type { RunSummary } from '../benchmarks/method-summary.js';
import { summarizeRun } from '../report/summarize-run.js';
import { writeReports } from '../report/write-reports.js';
import { markComplete } from '../run-store/run-complete.js';
import type { ScoreProgress } from '../run/score-pairs.js';

export interface FinishRunInput {
  startedAt: Date;
  finishedAt: Date;
  progress: ScoreProgress;
  skipped?: number;
  notes?: string[];
  /** Seconds spent writing token traces. */
  traceWriteSeconds?: number;
}

/** Summarises a run from its folder (the same path `endorm report` takes), writes its reports, then marks it complete. */
export async function finishRun(runDir: string, input: FinishRunInput): Promise<RunSummary> {
  const seconds = (input.finishedAt.getTime() - input.startedAt.getTime()) / 1000;
  const { progress } = input;
  const notes = [...(input.notes ?? [])];
  if (progress.tokens > 0) {
    const computed = progress.computedTokens ?? progress.tokens;
    notes.push(`Padding overhead: ${((progress.paddedTokens / computed - 1) * 100).toFixed(1)}% (padded / real tokens run − 1).`);
    if (progress.savedTokens) {
      notes.push(
        `Shared prompt prefixes: ${progress.savedTokens} of ${progress.tokens} prompt and response tokens (${((100 * progress.savedTokens) / progress.tokens).toFixed(1)}%) ` +
          `were not run again (responses ran on their prompt's cached keys and values).`,
      );
    }
  }
  const summary = await summarizeRun(runDir, {
    timing: {
      startedAt: input.startedAt.toISOString(),
      finishedAt: input.finishedAt.toISOString(),
      seconds,
      ...(progress.tokens > 0 && seconds > 0 ? { tokensPerSecond: progress.tokens / seconds } : {}),
    },
    skipped: input.skipped,
    notes,
    ...(input.traceWriteSeconds !== undefined ? { traceWriteSeconds: input.traceWriteSeconds } : {}),
  });
  await writeReports(runDir, summary);
  await markComplete(runDir, 'score');
  return summary;
}
