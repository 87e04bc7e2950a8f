import { Command } from 'commander';
import { promptText, RecordNotFoundError, showPair, shownPairPage } from '../inspect/show-pair.js';
import { renderTokenViewHtml } from '../inspect/token-view-html.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { renderTokens } from './inspect.js';
import { addExamples } from './help-layout.js';
import { alphaValue } from './option-parsers.js';

interface ShowCliOptions {
  pair: string;
  alpha?: number;
  model?: string;
  html?: string;
  json?: boolean;
}

/** `endorm show RUN --pair ID`: one record's responses token by token, from the run's traces (no model run). */
export function showCommand(): Command {
  const command = new Command('show')
    .description("show one record's chosen and rejected responses token by token (logit, log π, V, reward r_h) from a run's token traces")
    .argument('<run>', 'run folder scored with traces (or a rescore of one)')
    .requiredOption('--pair <id>', 'the record: its key (RM-Bench: chat/17) or its id')
    .option('--alpha <a>', 'temperature α of log π, V and r_h (must have been traced; default 1)', alphaValue)
    .option('-m, --model <path>', "model folder whose tokenizer decodes the tokens (default: run.json's model.path)")
    .option('--html <file>', 'write a page with each token shaded by its reward (hover for logit, log π, V)')
    .option('--json', 'print {pair, id, group, prompt, system, alpha, responses: [{role, index, tokens, scores}], notes} as JSON')
    .action(async (run: string, opts: ShowCliOptions) => {
      let shown;
      try {
        shown = await showPair({ run, pair: opts.pair, ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}), ...(opts.model ? { model: opts.model } : {}) });
      } catch (err) {
        // Said with the command's name: the record or the folder named on this command line is wrong.
        if (err instanceof RecordNotFoundError || err instanceof RunFolderError) return fail(err.message, err.exitCode);
        throw err;
      }
      if (opts.html) {
        await writeFileAtomic(opts.html, renderTokenViewHtml(shownPairPage(shown)));
        process.stderr.write(`endorm: wrote ${opts.html}\n`);
      }
      if (opts.json) {
        const { manifest: _manifest, ...rest } = shown;
        process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
      } else if (!opts.html) {
        const colour = process.stdout.isTTY === true;
        if (shown.prompt !== undefined) process.stdout.write(`── prompt (${shown.pair}) ──\n${promptText(shown.prompt, shown.system)}\n\n`);
        for (const r of shown.responses) {
          process.stdout.write(`── ${r.role}[${r.index}]${r.label ? ` ${r.label}` : ''}${r.truncated ? ' (truncated)' : ''} ──\n`);
          process.stdout.write(renderTokens({ tokens: r.tokens, outcome: r.scores ?? {} }, colour) + '\n');
        }
        for (const note of shown.notes) process.stderr.write(`endorm: ${note}\n`);
      }
    });
  return addExamples(command, [
    ["an RM-Bench record's six responses, token by token", 'endorm show results/RUN --pair chat/17'],
    ['the same as a page, at a temperature the run traced', 'endorm show results/RUN --pair chat/17 --alpha 0.5 --html chat-17.html'],
  ]);
}

function fail(message: string, code: number): void {
  process.stderr.write(`endorm show: ${message}\n`);
  process.exitCode = code;
}
