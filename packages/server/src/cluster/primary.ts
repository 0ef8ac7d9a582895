// LC_WORKERS above 1: the primary process starts the workers (nodes sharing one port through
// node:cluster, which hands each new connection to the next worker), holds what must be one per
// machine (engines/ipc-link.ts, cluster/host.ts) and restarts a worker that dies. Its own event
// loop only accepts connections and carries IPC: the SQLite commits run on its writer thread.
import cluster, { type Worker } from 'node:cluster';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { devSecret } from '../auth/auth.js';
import type { Config } from '../config/config.js';
import { sqlitePath } from '../engines/index.js';
import { WriterThread } from '../engines/store.sqlite.js';
import { EngineHost } from './host.js';

/** A worker that dies within this long of its start is restarted after a growing pause. */
const QUICK_DEATH_MS = 5_000;
const FIRST_PAUSE_MS = 100;
const LONGEST_PAUSE_MS = 10_000;

/** The running primary: `stop()` drains the workers, then releases the writer. */
export interface Primary {
  stop(signal: string): Promise<void>;
}

/** Prepares the data folder and the shared engines, then starts `config.workers` workers. */
export async function startPrimary(config: Config, logger: Logger): Promise<Primary> {
  mkdirSync(config.dataDir, { recursive: true });
  // Made once here: workers starting together would race to create it.
  if (config.devTokens) devSecret(config.dataDir);
  const writes = config.databaseUrl
    ? null
    : new WriterThread({
        path: sqlitePath(config.dataDir),
        synchronous: 'FULL',
        notifyAll: config.webhookUrls.length > 0,
      });
  // Migrated before any worker opens the file.
  await writes?.run('migrate', []);
  const host = new EngineHost(writes, !config.redisUrl, {
    error(err, where) {
      logger.warn({ err, where }, 'the link to a worker failed');
    },
  });

  // Structured clone instead of JSON lines: entries cross as one string, copied, never parsed here.
  cluster.setupPrimary({ serialization: 'advanced' });
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let stopping = false;
  let pause = FIRST_PAUSE_MS;
  const started = new Map<number, number>();

  function fork(): void {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
    host.attach(worker.id, worker);
    // A send to a worker that just died fails here, not in the primary's lap.
    worker.on('error', (err: Error) => logger.warn({ err, worker: worker.id }, 'worker channel error'));
  }

  cluster.on('exit', function workerExited(worker: Worker, code: number | null, signal: string | null) {
    host.detach(worker.id);
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) return;
    pause = lived < QUICK_DEATH_MS ? Math.min(pause * 2, LONGEST_PAUSE_MS) : FIRST_PAUSE_MS;
    logger.error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: pause },
      'a worker exited; starting another (its viewers resume on the others)',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, pause);
  });
  cluster.on('online', (worker: Worker) =>
    logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker started'),
  );

  for (let i = 0; i < config.workers; i++) fork();
  logger.info(
    { workers: config.workers, store: writes ? 'sqlite' : 'postgres', shared: config.redisUrl ? 'redis' : 'primary' },
    'primary started',
  );

  return {
    async stop(signal) {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping the workers');
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      const exited = Promise.all(
        workers.map((w) => (w.isDead() ? Promise.resolve() : new Promise((done) => w.once('exit', done)))),
      );
      // Each drains as a lone node would (LC_DRAIN_MS); their last commits still come through here.
      for (const w of workers) w.process.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
      }, config.drainMs + 3_000);
      await exited;
      clearTimeout(force);
      await host.close();
      await writes?.close();
    },
  };
}
