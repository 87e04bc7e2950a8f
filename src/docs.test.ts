import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import { PROJECT_ROOT } from './testing/shared-models.js';

/**
 * The documentation cannot drift from the CLI: every `endorm …` command in a fenced shell block of README.md and of
 * every page under docs/ (pages added later included) must parse as the CLI parses it, and the README's quick start
 * must run on a clean copy of the repository, with no `../shared` beside it and no network.
 */

const run = promisify(execFile);
const SHELL_FENCE = /^```(?:bash|sh|shell|console)\s*$/;

/** The pages to check: README.md and docs/*.md as they are on disk now. */
function pages(): string[] {
  const docs = path.join(PROJECT_ROOT, 'docs');
  const inDocs = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f)) : [];
  return [path.join(PROJECT_ROOT, 'README.md'), ...inDocs.sort()];
}

interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's commands, continuation lines joined, comments and blank lines dropped. */
  commands: string[];
}

export function shellBlocks(file: string, text: string): ShellBlock[] {
  const lines = text.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!SHELL_FENCE.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ file, line: start + 1, commands: joinCommands(body) });
  }
  return blocks;
}

function joinCommands(body: string[]): string[] {
  const commands: string[] = [];
  let current = '';
  for (const raw of body) {
    const line = raw.replace(/^\$ /, '');
    if (current === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    commands.push((current + line).trim());
    current = '';
  }
  if (current.trim()) commands.push(current.trim());
  return commands;
}

/** Shell words of one simple command: quotes and backslashes as sh reads them, no expansion. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      assert.ok(end > i, `unterminated ' in: ${command}`);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < command.length && command[j] !== '"'; j++) text += command[j] === '\\' && /["\\$`]/.test(command[j + 1] ?? '') ? command[++j] : command[j];
      assert.ok(j < command.length, `unterminated " in: ${command}`);
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (command[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The endorm invocations of a command line: its pieces between `&&`, `||`, `;` and `|`, up to a redirection. */
export function endormInvocations(command: string): string[][] {
  const found: string[][] = [];
  for (const piece of command.split(/&&|\|\||;|\|/)) {
    const words = shellWords(piece.replace(/\s[12]?>>?.*$/, '').trim());
    while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) words.shift(); // VAR=value before the command
    if (words[0] === 'npx') words.shift();
    if (words[0] === 'endorm' || words[0] === './bin/endorm' || words[0] === 'bin/endorm') found.push(words.slice(1));
  }
  return found;
}

/**
 * Parses `args` as `endorm` would, without running anything: every command's action is replaced by one that does
 * nothing, so unknown options, bad choices, values their parsers refuse and missing required options fail here.
 */
async function parses(args: string[]): Promise<string | undefined> {
  const program = buildProgram(['node', 'endorm', ...args]);
  let said = '';
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: (s) => (said += s) });
    if (c !== program) c.action(() => undefined);
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  try {
    await program.parseAsync(['node', 'endorm', ...args]);
    return undefined;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return undefined; // --help, --version
    return said.trim() || (err as Error).message;
  }
}

test('the parser of doc commands reads quotes, continuations, comments and pipes as a shell does', () => {
  const [block] = shellBlocks('x.md', ['```bash', '# a comment', './bin/endorm score -d a.jsonl \\', '  --methods "endorm,loglik" > out.json', '```'].join('\n'));
  assert.deepEqual(block!.commands, ['./bin/endorm score -d a.jsonl    --methods "endorm,loglik" > out.json']);
  assert.deepEqual(endormInvocations(block!.commands[0]!), [['score', '-d', 'a.jsonl', '--methods', 'endorm,loglik']]);
  assert.deepEqual(endormInvocations(`npm ci && ENDORM_MODEL=x npx endorm inspect -p 'Once upon' -r " a \\"time\\""`), [['inspect', '-p', 'Once upon', '-r', ' a "time"']]);
});

test('a doc command with an unknown option or a bad choice is caught', async () => {
  assert.equal(await parses(['score', '-d', 'a.jsonl', '--template', 'none']), undefined);
  assert.match((await parses(['score', '-d', 'a.jsonl', '--no-such-option']))!, /unknown option '--no-such-option'/);
  assert.match((await parses(['score', '-d', 'a.jsonl', '--template', 'jinja']))!, /Allowed choices are auto, chat, none/);
  assert.match((await parses(['score', '-d', 'a.jsonl', '--limit', '0']))!, /expected a positive integer/);
  assert.match((await parses(['inspect', '-r', 'x']))!, /required option '-p, --prompt <text>'/);
  assert.match((await parses(['scroe', '-d', 'a.jsonl']))!, /unknown command 'scroe'/);
});

test('every endorm command in a shell block of README.md and docs/*.md parses', async () => {
  const failures: string[] = [];
  let checked = 0;
  for (const file of pages()) {
    for (const block of shellBlocks(file, fs.readFileSync(file, 'utf8'))) {
      for (const command of block.commands) {
        for (const args of endormInvocations(command)) {
          checked++;
          const error = await parses(args);
          if (error) failures.push(`${path.relative(PROJECT_ROOT, file)}:${block.line}: endorm ${args.join(' ')}\n    ${error.split('\n')[0]}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 10, `only ${checked} endorm commands found in the docs`);
});

test('no user-facing page names ../shared, and README.md stays a front page (at most 250 lines)', () => {
  for (const file of pages()) assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /\.\.\/shared/, path.relative(PROJECT_ROOT, file));
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 250, `README.md has ${readme.split('\n').length} lines`);
  for (const words of ['ONNXRUNTIME_NODE_INSTALL=skip', 'ONNXRUNTIME_NODE_INSTALL=cuda12', '--dataset rm-bench', '--dataset reward-bench', 'docs/README.md']) {
    assert.ok(readme.includes(words), `README.md mentions ${words}`);
  }
});

test('the links of README.md and every docs/ page to files in the repository lead somewhere', () => {
  const docs = path.join(PROJECT_ROOT, 'docs');
  const pages = [path.join(PROJECT_ROOT, 'README.md'), ...fs.readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => path.join(docs, f))];
  for (const file of pages) {
    for (const [, target] of fs.readFileSync(file, 'utf8').matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
      assert.ok(fs.existsSync(path.resolve(path.dirname(file), target!)), `${path.relative(PROJECT_ROOT, file)} links to ${target}, which is not there`);
    }
  }
});

/** A copy of the repository as a fresh clone has it (no build outputs, caches or results), in a folder with no ../shared. */
function cleanCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-clean-clone-'));
  const copy = path.join(root, 'endorm');
  const skipped = new Set(['node_modules', 'dist', 'dist-test', '.cache', '.git', 'bench-models', '.scratch']);
  fs.cpSync(PROJECT_ROOT, copy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(PROJECT_ROOT, src);
      if (rel === '') return true;
      const top = rel.split(path.sep)[0]!;
      return !skipped.has(top) && !(top === 'results' && rel !== 'results' && rel !== path.join('results', 'README.md'));
    },
  });
  // What `npm ci && npm run build` would make: the dependencies and this build (no network in tests).
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(PROJECT_ROOT, 'dist'), path.join(copy, 'dist'), 'dir');
  assert.equal(fs.existsSync(path.join(root, 'shared')), false);
  return copy;
}

test("README.md's quick start runs on a clean copy of the repository, offline, and writes the run it describes", async () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('\n## Quick start');
  assert.ok(at >= 0, 'README.md has a "## Quick start" section');
  const [quick] = shellBlocks('README.md', readme.slice(at));
  assert.ok(quick && quick.commands.length >= 2, 'the quick start has commands');
  const copy = cleanCopy();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-quick-start-cache-'));
  // A Hub endpoint that refuses at once: any download would fail the command instead of reaching the internet.
  const env = { ...process.env, ENDORM_CACHE: cache, HF_ENDPOINT: 'http://127.0.0.1:9', ENDORM_MODEL: 'no-such/model', CI: '1' };
  for (const command of quick.commands) {
    const { stdout, stderr } = await run('bash', ['-c', command], { cwd: copy, env, maxBuffer: 64 << 20 }).catch((err: { stdout: string; stderr: string; code: number }) => {
      assert.fail(`quick start command failed (exit ${err.code}): ${command}\n${err.stderr}`);
    });
    assert.doesNotMatch(stderr, /downloading|error/i, command);
    assert.ok(stdout.length + stderr.length > 0, `${command} printed something`);
  }
  const summary = JSON.parse(fs.readFileSync(path.join(copy, 'results', 'demo', 'summary.json'), 'utf8'));
  assert.equal(summary.counts.pairs, 64);
  // The sample's rejected responses are its chosen ones scrambled: the demo model must prefer every chosen one.
  assert.equal(summary.methods.endorm.accuracy, 1);
});
