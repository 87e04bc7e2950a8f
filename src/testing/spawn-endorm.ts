import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './shared-models.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** Resolves when the process has exited; never rejects. */
  finished: Promise<Finished>;
  stderr(): string;
}

/**
 * Starts `bin/endorm` without blocking this process (a test may serve the fake Hub from it meanwhile). The process is
 * killed if it is still running after `limitMs`, so a hung child cannot hang the suite.
 */
export function startEndorm(args: string[], env: Record<string, string>, limitMs = 60_000): Running {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'endorm'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, finished, stderr: () => stderr };
}

export function runEndorm(args: string[], env: Record<string, string>): Promise<Finished> {
  return startEndorm(args, env).finished;
}

/** Runs `bin/endorm` to its end, blocking: for tests that only look at the exit status and output. */
export function runEndormSync(args: string[], env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'endorm'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/** Polls until `file` has at least `count` complete lines (or fails after timeoutMs); returns the count seen. */
export async function waitForLines(file: string, count: number, running: Running, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lines = 0;
    try {
      const text = fs.readFileSync(file, 'utf8');
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    } catch {
      /* not there yet */
    }
    if (lines >= count) return lines;
    if (running.child.exitCode !== null || running.child.signalCode !== null) {
      throw new Error(`endorm exited before writing ${count} lines (${lines} written): ${running.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`no ${count} lines in ${file} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
