import type { Role } from '@livecomments/protocol';
import type { FastifyInstance } from 'fastify';
import { requireName } from '../../ingest/normalise.js';
import type { Services } from '../../node.js';
import { errors } from '../../util/errors.js';
import { DevTokenBody } from '../schemas.js';

/** Development tokens: on by default, off when a JWT secret or JWKS URL is configured. */
export function devRoutes(app: FastifyInstance, s: Services): void {
  app.post('/v1/dev/tokens', { schema: { body: DevTokenBody } }, async function devToken(request, reply) {
    if (!s.auth.canIssue) throw errors.notFound('development tokens are turned off; POST /v1/dev/tokens');
    const { name, role } = request.body as { name: string; role?: Role };
    return reply.code(201).send(await s.auth.issue(requireName(name), role ?? 'viewer'));
  });
}
