import type { IncomingMessage } from 'node:http';
import { requireName } from '../../ingest/normalise.js';
import { errors } from '../../util/errors.js';
import { DevTokenBody } from '../schemas.js';
import type { HttpServices } from '../services.js';
import type { App } from '../typed.js';

/** Development tokens: on by default, never beside a JWT secret or JWKS URL (config.ts). */
export function devRoutes(app: App, s: Pick<HttpServices, 'auth'>): void {
  app.post('/v1/dev/tokens', { schema: { body: DevTokenBody } }, async function devToken(request, reply) {
    if (!s.auth.canIssue) throw errors.notFound('development tokens are turned off; POST /v1/dev/tokens');
    const { name, role, member, followedAt } = request.body;
    if (role && role !== 'viewer' && !fromLoopback(request.raw)) {
      throw errors.forbidden('development tokens of privileged roles are issued to this machine only');
    }
    // A membership or a follow opens chat modes: claimed only from this machine, as roles are.
    const extras = { ...(member ? { member } : {}), ...(followedAt !== undefined ? { followedAt } : {}) };
    if (Object.keys(extras).length > 0 && !fromLoopback(request.raw)) {
      throw errors.forbidden('development tokens with a membership or follow are issued to this machine only');
    }
    return reply.code(201).send(await s.auth.issue(requireName(name), role ?? 'viewer', extras));
  });
}

/**
 * Whether a request comes straight from this machine: a loopback peer and no proxy header
 * (a reverse proxy on the same host forwards everyone from loopback).
 */
export function fromLoopback(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}
