/**
 * Where JSON.parse gave up, for messages that name a line. V8 states a position for some syntax errors only ("at
 * position 42"); for the rest this small scanner finds the first offending character. Runs only after a failed parse.
 */
export function jsonErrorPosition(text: string, message: string): number | undefined {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  try {
    const at = new Scanner(text).firstError();
    return at === -1 ? undefined : at;
  } catch {
    return undefined;
  }
}

class Scanner {
  private i = 0;
  constructor(private readonly s: string) {}

  /** -1 when the text is valid JSON. */
  firstError(): number {
    try {
      this.ws();
      this.value();
      this.ws();
      if (this.i < this.s.length) throw this.i;
      return -1;
    } catch (at) {
      if (typeof at === 'number') return at;
      throw at;
    }
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): void {
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    throw this.i;
  }

  private object(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw this.i;
      this.string();
      this.ws();
      if (this.s[this.i] !== ':') throw this.i;
      this.i++;
      this.ws();
      this.value();
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === '}') return;
      if (c !== ',') throw this.i - 1;
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      this.value();
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ']') return;
      if (c !== ',') throw this.i - 1;
    }
  }

  private string(): void {
    const start = this.i;
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) throw this.i;
      if (c === 0x5c) {
        const e = this.s[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) throw this.i;
          this.i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i++;
        else throw this.i;
      }
    }
    throw start;
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!match || match[0] === '-') throw this.i;
    this.i += match[0].length;
  }
}
