import { Command } from 'commander';
import { recordListText, shownPairText } from '../inspect/show-console.js';
import { listRecords, RecordNotFoundError, showPair, shownPairPage } from '../inspect/show-pair.js';
import { renderTokenViewHtml } from '../inspect/token-view-html.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { checkOutputFile } from '../run-store/output-rules.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { tokenTable } from './inspect.js';
import { addExamples } from './help-layout.js';
import { alphaValue } from './option-parsers.js';

interface ShowCliOptions {
  pair?: string;
  tokens?: boolean;
  alpha?: number;
  model?: string;
  html?: string;
  json?: boolean;
}

/** `endorm show RUN --pair ID`: one record's responses token by token, from the run's traces (no model run). */
export function showCommand(): Command {
  const command = new Command('show')
    .description("list a run's records with each method's verdict, or show one record: its verdicts and its chosen and rejected responses token by token (logit, log π, V, reward r_h), from the run's token traces")
    .argument('<run>', 'run folder scored with traces (or a rescore of one)')
    .option('--pair <id>', 'the record: its key (RM-Bench: chat/17) or its id; without it, every record\'s key with each method\'s verdict')
    .option('--alpha <a>', 'temperature α of log π, V and r_h (must have been traced; default 1)', alphaValue)
    .option('-m, --model <path>', "model folder whose tokenizer decodes the tokens (default: run.json's model.path)")
    .option('--html <file>', 'write a page with the verdicts and each token shaded by its share of the endorm score against the record mean (hover for r_h, logit, log π, V)')
    .option('--tokens', 'every token of each response with its logit, log π, V and r_h (the console view is otherwise cut to fit a screen)')
    .option('--json', 'print {pair, id, group, prompt, system, alpha, responses: [{role, index, tokens, scores}], verdicts, notes} as JSON (without --pair: the record list)')
    .action(async (run: string, opts: ShowCliOptions) => {
      if (opts.html) await checkOutputFile(opts.html, '--html');
      try {
        if (opts.pair === undefined) {
          const list = await listRecords(run);
          process.stdout.write(opts.json ? JSON.stringify(list, null, 2) + '\n' : recordListText(list));
          return;
        }
        await showOne(run, { ...opts, pair: opts.pair });
      } catch (err) {
        // Said with the command's name: the record or the folder named on this command line is wrong.
        if (err instanceof RecordNotFoundError || err instanceof RunFolderError) return fail(err.message, err.exitCode);
        throw err;
      }
    });
  return addExamples(command, [
    ["a run's records, each with every method's verdict", 'endorm show results/RUN'],
    ["an RM-Bench record: its verdicts (the 3×3 win matrix) and its six responses", 'endorm show results/RUN --pair chat/17'],
    ['every token of that record with its logit, log π, V and r_h', 'endorm show results/RUN --pair chat/17 --tokens'],
    ['the same as a page, at a temperature the run traced', 'endorm show results/RUN --pair chat/17 --alpha 0.5 --html chat-17.html'],
  ]);
}

async function showOne(run: string, opts: ShowCliOptions & { pair: string }): Promise<void> {
  const shown = await showPair({ run, pair: opts.pair, ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}), ...(opts.model ? { model: opts.model } : {}) });
  if (opts.html) {
    // Checked again just before writing: the path may have changed while the traces were read.
    await checkOutputFile(opts.html, '--html');
    await writeFileAtomic(opts.html, renderTokenViewHtml(shownPairPage(shown)));
    process.stderr.write(`endorm: wrote ${opts.html}\n`);
  }
  if (opts.json) {
    const { manifest: _manifest, verdictLines: _lines, ...rest } = shown;
    process.stdout.write(JSON.stringify(rest, null, 2) + '\n');
  } else if (!opts.html) {
    const colour = process.stdout.isTTY === true;
    process.stdout.write(shownPairText(shown, { colour, tokens: opts.tokens === true }, (r) => tokenTable(r.tokens)));
    for (const note of shown.notes) process.stderr.write(`endorm: ${note}\n`);
  }
}

function fail(message: string, code: number): void {
  process.stderr.write(`endorm show: ${message}\n`);
  process.exitCode = code;
}
