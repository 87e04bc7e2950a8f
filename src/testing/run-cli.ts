import { main } from '../cli.js';

/**
 * Runs the CLI in this process (a tiny model loads in milliseconds, a process takes a second) and returns its exit
 * code and what it wrote to stderr.
 */
export async function runCliInProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'endorm', ...args]);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
    // A gate failure sets process.exitCode; left set, it would fail the test file's own process.
    process.exitCode = undefined;
  }
}
