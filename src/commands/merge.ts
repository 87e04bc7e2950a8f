import { Command } from 'commander';
import { mergeRuns } from '../api/merge-runs.js';
import { summaryJson } from '../run-store/summary-file.js';
import { addExamples } from './help-layout.js';
import { exitOnSignals } from './interrupt.js';

interface MergeOptions {
  out?: string;
  json?: boolean;
  forceUnlock?: boolean;
}

/** `endorm merge SHARD_DIR... --out DIR`: one run from the runs of --shard 1/N … N/N. */
export function mergeCommand(): Command {
  const command = new Command('merge')
    .description(
      'combine the runs of --shard 1/N … N/N into one run folder (run.json, scores.jsonl, token traces, summary and reports), as if ' +
        'scored in one go; refuses runs with other model, dataset or settings, shards given twice or missing, ' +
        'unfinished shards, and records found in two shards',
    )
    .argument('<runs...>', 'the shard run folders, or one folder of --shard auto runs (DIR/shard-K-of-N/)')
    .option('-o, --out <dir>', 'new (or empty) folder for the merged run (default for one folder of --shard auto runs: DIR/merged)')
    .option('--json', 'print the merged summary.json on stdout')
    .option('--force-unlock', "take over the --out folder's lock although another host took it")
    .action(async (runs: string[], options: MergeOptions) => {
      const signals = exitOnSignals('merge');
      const { runDir, summary, shards } = await mergeRuns(runs, options.out, {
        forceUnlock: options.forceUnlock,
        onNote: (note) => process.stderr.write(`endorm: note: ${note}\n`),
      }).finally(() => signals.dispose());
      if (options.json) process.stdout.write(summaryJson(summary));
      process.stderr.write(`endorm: merged ${shards.length} shards (${summary.counts.pairs} records) into ${runDir}/\n`);
    });
  return addExamples(command, [
    ['the dependent job of a job array run with --shard auto --out results/rm: exit 8 if a shard is missing or stopped, 7 if one still runs', 'endorm merge results/rm'],
    ['four shards scored on four machines, then merged', 'endorm merge results/shard-1 results/shard-2 results/shard-3 results/shard-4 -o results/rm-bench-all'],
  ]);
}
