import type { FastifyInstance } from 'fastify';
import type { HttpServices } from '../services.js';

/** Health, readiness and metrics (docs/API.md "Operations"). */
export function opsRoutes(app: FastifyInstance, s: Pick<HttpServices, 'store' | 'bus' | 'guard' | 'metrics'>): void {
  app.get('/health', async function health() {
    return { status: 'ok' };
  });

  app.get('/ready', async function ready(_request, reply) {
    const checks = await Promise.all([check('store', () => s.store.ping()), check('bus', () => s.bus.ping())]);
    const failing = checks.filter((c) => !c.ok).map((c) => c.name);
    const body = {
      status: failing.length === 0 && !s.guard.closing ? 'ready' : 'unavailable',
      checks: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'ok' : c.error])),
      ...(s.guard.closing ? { closing: true } : {}),
    };
    return reply.code(body.status === 'ready' ? 200 : 503).send(body);
  });

  app.get('/metrics', async function metrics(_request, reply) {
    return reply.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
  });
}

async function check(name: string, ping: () => Promise<void>) {
  try {
    await withTimeout(ping(), 2000);
    return { name, ok: true as const };
  } catch (error) {
    return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
