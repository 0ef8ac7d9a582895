// Production auth: an HS256 secret, or a JWKS URL served by a real HTTP server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { api, createEvent, post, startNode } from './support.js';

describe('auth', () => {
  test('with an HS256 secret: its tokens work, dev tokens are off, roles are read', async () => {
    const secret = 'a-production-secret-of-32-chars!!';
    const node = await startNode({ jwtSecret: secret, devTokens: false });
    try {
      const sign = (sub: string, claims: Record<string, unknown>) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(sub)
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(secret));
      const dev = await api(node.url, 'POST', '/v1/dev/tokens', { body: { name: 'x' } });
      assert.equal(dev.status, 404);
      const owner = await sign('owner-1', { name: 'Olga' });
      const eventId = await createEvent(node.url, owner);
      const res = await post(node.url, owner, eventId, 'hello');
      assert.equal(res.status, 201);
      assert.deepEqual(res.body.comment.user, { id: 'owner-1', name: 'Olga' });
      const badRole = await sign('x', { role: 'superuser' });
      assert.equal((await post(node.url, badRole, eventId, 'hi')).status, 401);
      const none = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
      assert.equal((await post(node.url, none, eventId, 'no subject')).status, 401);
      const anonymousRead = await api(node.url, 'GET', `/v1/events/${eventId}/comments?after=0`);
      assert.equal(anonymousRead.status, 200, 'reading a public event needs no token');
    } finally {
      await node.stop();
    }
  });

  test('with a JWKS URL: RS256 tokens from the key set are accepted, others refused', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const node = await startNode({ jwksUrl: url, devTokens: false });
    try {
      const token = await new SignJWT({ name: 'Rita', role: 'moderator' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('rita')
        .setExpirationTime('10m')
        .sign(privateKey);
      const eventId = await createEvent(node.url, token);
      assert.equal((await post(node.url, token, eventId, 'signed by the key set')).status, 201);
      const other = await generateKeyPair('RS256');
      const stranger = await new SignJWT({ name: 'Eve' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('eve')
        .sign(other.privateKey);
      const refused = await post(node.url, stranger, eventId, 'forged');
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'unauthenticated');
    } finally {
      await node.stop();
      jwks.close();
    }
  });
});
