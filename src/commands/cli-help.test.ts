import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../cli.js';
import { labelsByRun } from './report.js';

const program = buildProgram();
const command = (name: string) => program.commands.find((c) => c.name() === name)!;
const help = (c: Command) => {
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s) });
  c.outputHelp();
  return text;
};

test('score --help shows the real defaults: --methods endorm,loglik,length, and no "[]" for repeatable options', () => {
  const text = help(command('score'));
  assert.match(text.replace(/\s+/g, ' '), /--methods <specs> .*\(default: endorm,loglik,length\)/);
  assert.doesNotMatch(text, /default: \[\]/);
});

test('score, inspect and rescore group every option under a heading, in the order model, data, methods, run, output', () => {
  const headings = (c: Command) => [...help(c).matchAll(/^([A-Z][a-z]+(?: [a-z]+)*):$/gm)].map((m) => m[1]);
  assert.deepEqual(headings(command('score')), ['Model options', 'Data options', 'Method options', 'Run options', 'Output options', 'Options', 'Examples']);
  for (const name of ['score', 'inspect', 'rescore']) {
    // Only --help may stay under the bare "Options:" heading: a new option must say where it belongs.
    const ungrouped = command(name).options.filter((o) => o.helpGroupHeading === undefined).map((o) => o.long);
    assert.deepEqual(ungrouped, [], `${name}: options without a help group`);
  }
  assert.deepEqual(headings(command('inspect')), ['Input options', 'Model options', 'Method options', 'Output options', 'Options', 'Examples']);
});

test('every command, and endorm itself, ends its help with examples that run endorm', () => {
  for (const c of [program, ...program.commands.filter((c) => c.name() !== 'help')]) {
    const text = help(c);
    const examples = text.slice(text.indexOf('\nExamples:\n'));
    assert.ok(text.includes('\nExamples:\n'), `${c.name()} has examples`);
    const lines = examples.split('\n').filter((l) => l.trim().startsWith('$ '));
    assert.ok(lines.length >= 1, `${c.name()}: at least one example`);
    for (const line of lines) assert.match(line, /^ {2}\$ endorm /);
  }
});

test('--label RUN=NAME finds its run by the folder as given or its last part, and refuses unknown, ambiguous or repeated labels', () => {
  const runs = ['results/a-run', 'other/b-run/', 'x/b-run'];
  assert.deepEqual(labelsByRun(runs, [['results/a-run', 'A'], ['other/b-run', 'B']]), ['A', 'B', undefined]);
  assert.deepEqual(labelsByRun(runs, [['a-run', 'A']]), ['A', undefined, undefined]);
  assert.throws(() => labelsByRun(runs, [['b-run', 'B']]), /"b-run" names 2 of the runs/);
  assert.throws(() => labelsByRun(runs, [['nope', 'N']]), /"nope" is none of the runs \(results\/a-run, other\/b-run\/, x\/b-run\)/);
  assert.throws(() => labelsByRun(runs, [['a-run', 'same'], ['x/b-run', 'same']]), /"same" labels two runs/);
});
