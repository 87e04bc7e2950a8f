/** Arguments a POSIX shell reads as themselves, unquoted: method specs (`endorm:alpha=0.5,gamma=1`), paths, numbers. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * A command line that a POSIX shell (sh, bash, zsh) splits back into exactly `argv`, for pasting: plain arguments stay
 * as they are, anything else goes in single quotes (a quote inside as '\''). Not shell-quote's `quote`: it
 * backslash-escapes `:`, `=` and `,`, which every method spec holds, so a recorded command would read
 * `endorm\:alpha\=0.5\,gamma\=1`.
 */
export function shellCommandLine(argv: readonly string[]): string {
  return argv.map((arg) => (PLAIN.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
