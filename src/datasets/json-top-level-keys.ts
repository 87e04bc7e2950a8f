/**
 * The keys of a JSON object's top level, read without building its values: what format detection needs from a first
 * record, which may be a line of many megabytes. Undefined when the text does not start as an object; the keys read
 * so far when it is cut short or malformed later on (the real read reports that).
 */
export function jsonTopLevelKeys(bytes: Uint8Array): string[] | undefined {
  let i = 0;
  const skipSpace = () => {
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  };
  // A byte order mark may come first.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  skipSpace();
  if (bytes[i] !== 0x7b) return undefined;
  i++;
  const keys: string[] = [];
  let depth = 1;
  let expectKey = true;
  while (i < bytes.length && depth > 0) {
    const b = bytes[i]!;
    if (b === 0x22) {
      const start = i;
      i = stringEnd(bytes, i);
      if (depth === 1 && expectKey) {
        try {
          keys.push(JSON.parse(Buffer.from(bytes.subarray(start, i)).toString('utf8')) as string);
        } catch {
          return keys;
        }
        expectKey = false;
      }
      continue;
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) depth--;
    else if (b === 0x2c && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}

/** Index just past the string that starts (with its quote) at `start`. */
function stringEnd(bytes: Uint8Array, start: number): number {
  for (let i = start + 1; i < bytes.length; i++) {
    if (bytes[i] === 0x5c) i++;
    else if (bytes[i] === 0x22) return i + 1;
  }
  return bytes.length;
}
