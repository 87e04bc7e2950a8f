import { Command, Option } from 'commander';
import { maxLengthFor } from '../api/max-length.js';
import { resolveTemplate } from '../formatting/format-response.js';
import { inspectPage } from '../inspect/inspect-page.js';
import { inspectResponse, type InspectResult } from '../inspect/inspect-response.js';
import { loadModel } from '../engine/load-model.js';
import { renderTokenViewHtml } from '../inspect/token-view-html.js';
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
    .option('--html <file>', 'write a page with each token shaded by its reward r_h (hover for logit, log π, V)');
  addModelOptions(command);
  groupOptions(command, {
    'Input options': ['--prompt', '--response', '--system', '--rejected'],
    'Model options': ['--model', '--revision', '--dtype', '--device', '--threads', '--offline', '--hub-timeout', '--template', '--no-score-eot', '--max-length'],
    'Method options': ['--alpha'],
    'Output options': ['--json', '--html'],
  });
  addExamples(command, [
    ['a story continuation, token by token, with a local model', 'endorm inspect -m ../shared/models/stories260K --template none -p "Once upon a time" -r " there was a cat."'],
    ['two responses side by side in a page, at α = 0.5', 'endorm inspect -p "What is 2+2?" -r "4" --rejected "5" --alpha 0.5 --html tokens.html'],
  ]);
  command.action(async (opts: InspectCliOptions) => {
    const downloads = createDownloadReporter({});
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
      const inspect = (response: string) =>
        inspectResponse(model, {
          system: opts.system,
          prompt: opts.prompt,
          response,
          template: resolveTemplate(model.tokenizer, opts.template),
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
        process.stdout.write(renderTokens(result, process.stdout.isTTY === true));
        if (rejected) process.stdout.write('\nrejected:\n' + renderTokens(rejected, process.stdout.isTTY === true));
      }
      if (opts.html) {
        const page = inspectPage({ model: opts.model ?? defaultModelSpec(), prompt: opts.prompt, system: opts.system, alpha: opts.alpha, response: result, rejected });
        await writeFileAtomic(opts.html, renderTokenViewHtml(page));
        process.stderr.write(`endorm: wrote ${opts.html}\n`);
      }
    } finally {
      await model.session.release();
    }
  });
  return command;
}

/** The response with each token shaded by its reward (green above the mean, red below), then a table. */
export function renderTokens(result: InspectResult, colour: boolean): string {
  const rewards = result.tokens.map((t) => t.reward);
  const mean = rewards.reduce((s, x) => s + x, 0) / Math.max(1, rewards.length);
  const spread = Math.max(1e-9, ...rewards.map((r) => Math.abs(r - mean)));
  const shade = (t: InspectResult['tokens'][number]) => {
    const text = JSON.stringify(t.text).slice(1, -1);
    if (!colour) return `[${text}]`;
    const level = Math.min(5, Math.round((Math.abs(t.reward - mean) / spread) * 5));
    const code = t.reward >= mean ? 16 + 36 * 0 + 6 * level + 0 : 16 + 36 * level;
    return `\x1b[48;5;${code}m\x1b[38;5;231m${text}\x1b[0m`;
  };
  const lines = [result.tokens.map(shade).join(''), ''];
  lines.push(`${'#'.padStart(4)}  ${'token'.padEnd(16)} ${'id'.padStart(7)} ${'logit'.padStart(10)} ${'log π'.padStart(10)} ${'V(s_h)'.padStart(10)} ${'reward'.padStart(10)}`);
  result.tokens.forEach((t, h) => {
    lines.push(
      `${String(h + 1).padStart(4)}  ${JSON.stringify(t.text).slice(0, 16).padEnd(16)} ${String(t.id).padStart(7)} ` +
        [t.logit, t.logprob, t.value, t.reward].map((x) => x.toFixed(4).padStart(10)).join(' '),
    );
  });
  lines.push('', 'outcome:');
  for (const [spec, score] of Object.entries(result.outcome)) lines.push(`  ${spec.padEnd(24)} ${score.toFixed(4)}`);
  return lines.join('\n') + '\n';
}
