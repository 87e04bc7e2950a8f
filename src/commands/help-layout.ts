import type { Command, Option } from 'commander';

/**
 * Puts a command's options under headings (commander 14's help groups), groups and options in the order given. Every option must be placed: one left out would be listed under a bare
 * "Options:" after the groups, which is how a new option that forgot its group shows up (help-layout.test.ts fails).
 */
export function groupOptions(command: Command, groups: Readonly<Record<string, readonly string[]>>): Command {
  const headings = Object.keys(groups);
  const place = new Map<string, { group: number; rank: number }>();
  let rank = 0;
  headings.forEach((heading, group) => {
    for (const flag of groups[heading]!) place.set(flag, { group, rank: rank++ });
  });
  const placeOf = (option: Option) => place.get(option.long ?? option.short ?? '') ?? { group: headings.length, rank };
  for (const option of command.options) {
    const p = place.get(option.long ?? option.short ?? '');
    if (p) option.helpGroup(`${headings[p.group]}:`);
  }
  // Help lists groups in the order their first option was defined, so the options are put in the order given.
  (command.options as Option[]).sort((a, b) => placeOf(a).rank - placeOf(b).rank);
  return command;
}

/** An "Examples:" section at the end of a command's help: each example a comment line and a command line. */
export function addExamples(command: Command, examples: readonly (readonly [comment: string, line: string])[]): Command {
  const text = examples.map(([comment, line]) => `  # ${comment}\n  $ ${line}`).join('\n\n');
  return command.addHelpText('after', `\nExamples:\n${text}`);
}
