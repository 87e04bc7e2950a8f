/**
 * The characters Python's `str.isspace()` accepts, which `str.rstrip()` with no argument strips: what
 * lm-evaluation-harness moves from a context to its continuation. JavaScript's `\s` differs: it lacks the separators
 * U+001C..U+001F and NEL (U+0085), and has U+FEFF, which Python keeps.
 */
const PYTHON_WHITESPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

const WHITESPACE_CODES: ReadonlySet<number> = new Set([...PYTHON_WHITESPACE].map((c) => c.charCodeAt(0)));

export function isPythonWhitespace(code: number): boolean {
  return WHITESPACE_CODES.has(code);
}

/** Python's `text.rstrip()`. */
export function pythonRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && WHITESPACE_CODES.has(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}
