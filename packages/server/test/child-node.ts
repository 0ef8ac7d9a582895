// A node as a child process (src/main.js), for tests of what only a real process shows: exit
// codes, signals, kill -9, restarts on the same data.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './private-services.js';

/** The compiled entry point of the server. */
export const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** Starts main.js on a free port and waits until it answers /health. */
export async function launch(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    // One process unless the test asks for workers (LC_WORKERS from the shell would change what it tests).
    env: { ...process.env, LC_WORKERS: '1', LC_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    // Not inherited: a child left behind would hold the test runner's output open.
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const base = `http://127.0.0.1:${port}`;
  // Generous: a loaded machine can take many seconds to start a process.
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base };
    } catch {}
    if (Date.now() > until) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}
