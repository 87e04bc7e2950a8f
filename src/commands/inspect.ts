import { Command, Option } from 'commander';
import { maxLengthFor } from '../api/max-length.js';
import { resolveTemplate } from '../formatting/format-response.js';
import { inspectPage } from '../inspect/inspect-page.js';
import { inspectResponse, type InspectResult } from '../inspect/inspect-response.js';
import { loadModel } from '../engine/load-model.js';
import { meanShare, scoreFromTokens, shadeScale, tokenShare } from '../inspect/token-shares.js';
import { renderTokenViewHtml } from '../inspect/token-view-html.js';
import { checkOutputFile } from '../run-store/output-rules.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { defaultModelSpec } from './default-model.js';
import { createDownloadReporter } from './download-progress.js';
import { addExamples, groupOptions } from './help-layout.js';
import { createLoadStatus } from './load-status.js';
import { addModelOptions, type ModelCliOptions } from './model-options.js';
import { alphaValue, positiveInt } from './option-parsers.js';

interface InspectCliOptions extends ModelCliOptions {
  prompt: string;
  response: string;
  system?: string;
  template: 'auto' | 'chat' | 'none';
  alpha: number;
  scoreEot: boolean;
  json?: boolean;
  rejected?: string;
  html?: string;
  maxLength?: number;
}

export function inspectCommand(): Command {
  const command = new Command('inspect')
    .description('show one response token by token: logit, log π, value and endogenous reward')
    .requiredOption('-p, --prompt <text>', 'the prompt (user turn)')
    .requiredOption('-r, --response <text>', 'the response to inspect')
    .option('-s, --system <text>', 'system message')
    .addOption(new Option('--template <mode>', 'how prompt and response become tokens').choices(['auto', 'chat', 'none']).default('auto'))
    .option('--alpha <a>', 'temperature α', alphaValue, 1)
    .option('--no-score-eot', "leave the chat template's end-of-turn token(s) out")
    .option('--max-length <n>', "longest prompt + response in tokens, cut as score cuts them (default: the model's context, at most 4096)", positiveInt)
    .option('--json', 'print {tokens, outcome} as JSON')
    .option('--rejected <text>', 'a second response to the same prompt, shown beside --response in the --html page')
    .option('--html <file>', 'write a page with each token shaded by its share of the endorm score, α·log π_α, against the page mean (hover for r_h, logit, log π, V)');
  addModelOptions(command);
  groupOptions(command, {
    'Input options': ['--prompt', '--response', '--system', '--rejected'],
    'Model options': ['--model', '--revision', '--dtype', '--device', '--threads', '--offline', '--hub-timeout', '--template', '--no-score-eot', '--max-length'],
    'Method options': ['--alpha'],
    'Output options': ['--json', '--html'],
  });
  addExamples(command, [
    ['a story continuation, token by token, with a local model', 'endorm inspect -m examples/models/stories260K -p "Once upon a time" -r " there was a cat."'],
    ['two responses side by side in a page, at α = 0.5', 'endorm inspect -p "What is 2+2?" -r "4" --rejected "5" --alpha 0.5 --html tokens.html'],
  ]);
  command.action(async (opts: InspectCliOptions) => {
    const downloads = createDownloadReporter({});
    // Before the model loads: a page that may not be written is refused at once.
    if (opts.html) await checkOutputFile(opts.html, '--html');
    const model = await loadModel(opts.model ?? defaultModelSpec(), {
      onDownloadProgress: (e) => downloads.onEvent(e),
      onNote: (note) => process.stderr.write(`endorm: note: ${note}\n`),
      onStatus: createLoadStatus(),
      dtype: opts.dtype,
      ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
      offline: opts.offline,
      ...(opts.hubTimeout !== undefined ? { hubTimeoutMs: opts.hubTimeout * 1000 } : {}),
      device: opts.device,
      threads: opts.threads,
      alphas: [...new Set([1, opts.alpha])],
    }).finally(() => downloads.stop());
    try {
      const maxLength = maxLengthFor(opts.maxLength, model);
      const template = resolveTemplate(model.tokenizer, opts.template, model.spec);
      const inspect = (response: string) =>
        inspectResponse(model, {
          system: opts.system,
          prompt: opts.prompt,
          response,
          template,
          alpha: opts.alpha,
          scoreEot: opts.scoreEot,
          maxLength,
        });
      const result = await inspect(opts.response);
      const rejected = opts.rejected !== undefined ? await inspect(opts.rejected) : undefined;
      for (const [name, r] of [['--response', result], ['--rejected', rejected]] as const) {
        if (r?.truncated) process.stderr.write(`endorm: note: prompt and ${name} were cut to --max-length ${maxLength} tokens (the prompt from the left first)\n`);
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(rejected ? { ...result, rejected } : result, null, 2) + '\n');
      } else {
        const colour = process.stdout.isTTY === true;
        const shading = { alpha: opts.alpha, centre: meanShare(rejected ? [result, rejected] : [result], opts.alpha) };
        if (colour) process.stdout.write(`shade: each token's α·log π_α (α = ${opts.alpha}; they sum to the endorm score) against the mean per token, ${shading.centre.toFixed(3)}: green above, red below\n\n`);
        process.stdout.write(renderTokens(result, colour, shading));
        if (rejected) process.stdout.write('\nrejected:\n' + renderTokens(rejected, colour, shading));
      }
      if (opts.html) {
        const page = inspectPage({ model: opts.model ?? defaultModelSpec(), prompt: opts.prompt, system: opts.system, alpha: opts.alpha, response: result, rejected });
        await checkOutputFile(opts.html, '--html');
        await writeFileAtomic(opts.html, renderTokenViewHtml(page));
        process.stderr.write(`endorm: wrote ${opts.html}\n`);
      }
    } finally {
      await model.session.release();
    }
  });
  return command;
}

/**
 * The response with each token shaded by its share of the endorm score, α·log π_α, against `shading.centre` (the mean
 * share per token over the responses shown: green above, red below; see inspect/token-shares.ts), then a table.
 */
export function renderTokens(result: InspectResult, colour: boolean, shading: { alpha: number; centre?: number } = { alpha: 1 }): string {
  const alpha = shading.alpha;
  const centre = shading.centre ?? meanShare([result], alpha);
  const spread = shadeScale(result.tokens.map((t) => tokenShare(t, alpha) - centre));
  const shade = (t: InspectResult['tokens'][number]) => {
    const text = JSON.stringify(t.text).slice(1, -1);
    if (!colour) return `[${text}]`;
    const x = (tokenShare(t, alpha) - centre) / spread;
    const level = Math.min(5, Math.round(Math.min(1, Math.abs(x)) * 5));
    const code = x >= 0 ? 16 + 6 * level : 16 + 36 * level;
    return `\x1b[48;5;${code}m\x1b[38;5;231m${text}\x1b[0m`;
  };
  const lines = [result.tokens.map(shade).join(''), '', tokenTable(result.tokens)];
  lines.push('', 'outcome:');
  for (const [spec, score] of Object.entries(result.outcome)) lines.push(`  ${spec.padEnd(24)} ${score.toFixed(4)}`);
  if (result.tokens.length) {
    // The reward column does not sum to the endorm outcome: Σ r_h also holds the prompt's value, which no comparison sees.
    const { sumReward, promptValue } = scoreFromTokens(result.tokens, alpha);
    lines.push(`  (the reward column sums to ${sumReward.toFixed(4)} = endorm + V(s_1), the prompt's value ${promptValue.toFixed(4)}, the same for every response to this prompt)`);
  }
  return lines.join('\n') + '\n';
}

/** Each token's id, logit, log π, V(s_h) and reward r_h, one line per token. */
export function tokenTable(tokens: InspectResult['tokens']): string {
  const lines: string[] = [];
  lines.push(`${'#'.padStart(4)}  ${'token'.padEnd(16)} ${'id'.padStart(7)} ${'logit'.padStart(10)} ${'log π'.padStart(10)} ${'V(s_h)'.padStart(10)} ${'reward'.padStart(10)}`);
  tokens.forEach((t, h) => {
    lines.push(
      `${String(h + 1).padStart(4)}  ${JSON.stringify(t.text).slice(0, 16).padEnd(16)} ${String(t.id).padStart(7)} ` +
        [t.logit, t.logprob, t.value, t.reward].map((x) => x.toFixed(4).padStart(10)).join(' '),
    );
  });
  return lines.join('\n');
}
