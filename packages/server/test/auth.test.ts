// Production auth: an HS256 secret, or a JWKS URL served by a real HTTP server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DEV_ISSUER } from '../src/auth/auth.js';
import { mintToken } from '../src/auth/mint.js';
import { api, createEvent, devToken, post, startNode, WsViewer, waitFor } from './support.js';

const SECRET = 'a-production-secret-of-32-chars!!';

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
      assert.deepEqual(res.body.comment.user, { id: 'owner-1', name: 'Olga', badges: ['owner'] });
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

  test('a secret and a JWKS URL together: each token is checked by its alg and kid against the right key', async () => {
    const k1 = await generateKeyPair('RS256');
    const k2 = await generateKeyPair('ES256');
    // Mid-rotation: the set holds the old key and the new one, of different kinds.
    const keys = [
      { ...(await exportJWK(k1.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(k2.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' },
    ];
    const jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const node = await startNode({ jwtSecret: SECRET, jwksUrl: url, devTokens: false });
    const sign = (alg: string, kid: string | undefined, key: Parameters<SignJWT['sign']>[0], sub: string) =>
      new SignJWT({ name: sub })
        .setProtectedHeader(kid ? { alg, kid } : { alg })
        .setSubject(sub)
        .setExpirationTime('10m')
        .sign(key);
    try {
      const hmac = await sign('HS256', undefined, new TextEncoder().encode(SECRET), 'hana');
      const eventId = await createEvent(node.url, hmac);
      assert.equal((await post(node.url, hmac, eventId, 'signed with the secret')).status, 201);
      const rsa = await sign('RS256', 'k1', k1.privateKey, 'rita');
      assert.equal((await post(node.url, rsa, eventId, 'signed by k1')).status, 201);
      const ec = await sign('ES256', 'k2', k2.privateKey, 'eli');
      assert.equal((await post(node.url, ec, eventId, 'signed by k2')).status, 201);
      // Wrong key for the alg or kid: refused.
      const wrongSecret = await sign('HS256', undefined, new TextEncoder().encode('x'.repeat(40)), 'eve');
      const wrongKid = await sign('RS256', 'k2', k1.privateKey, 'eve');
      const unknownKid = await sign('RS256', 'k9', (await generateKeyPair('RS256')).privateKey, 'eve');
      for (const token of [wrongSecret, wrongKid, unknownKid]) {
        const refused = await post(node.url, token, eventId, 'forged');
        assert.equal(refused.status, 401);
        assert.equal(refused.body.error.code, 'unauthenticated');
      }
    } finally {
      await node.stop();
      jwks.close();
    }
  });

  test('development tokens are refused by a node with a real secret, even signed with it', async () => {
    const dev = await startNode();
    const real = await startNode({ jwtSecret: SECRET, devTokens: false });
    try {
      const admin = await devToken(dev.url, 'root', 'admin');
      const eventId = await createEvent(real.url, await mintToken(SECRET, { sub: 'o', name: 'Owner' }));
      const refused = await post(real.url, admin.token, eventId, 'from a dev node');
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'unauthenticated');
      const marked = await new SignJWT({ name: 'x', role: 'service' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEV_ISSUER)
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET));
      assert.equal((await post(real.url, marked, eventId, 'dev marker')).status, 401);
      const issued = await api(real.url, 'POST', '/v1/dev/tokens', { body: { name: 'x', role: 'admin' } });
      assert.equal(issued.status, 404);
    } finally {
      await Promise.all([dev.stop(), real.stop()]);
    }
  });

  test('dev tokens of privileged roles only go to this machine; viewers to anyone', async () => {
    const node = await startNode({ host: '0.0.0.0' });
    try {
      const local = `http://127.0.0.1:${node.port}`;
      assert.equal(
        (await api(local, 'POST', '/v1/dev/tokens', { body: { name: 'm', role: 'moderator' } })).status,
        201,
      );
      const proxied = await api(local, 'POST', '/v1/dev/tokens', {
        body: { name: 'm', role: 'service' },
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(proxied.status, 403, 'through a proxy on this machine: not local');
      assert.equal(proxied.body.error.code, 'forbidden');
      const address = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (address) {
        const remote = `http://${address}:${node.port}`;
        for (const role of ['admin', 'service', 'moderator']) {
          const res = await api(remote, 'POST', '/v1/dev/tokens', { body: { name: 'eve', role } });
          assert.equal(res.status, 403, `${role} from ${address}`);
        }
        assert.equal((await api(remote, 'POST', '/v1/dev/tokens', { body: { name: 'v' } })).status, 201);
      }
    } finally {
      await node.stop();
    }
  });

  test('exp is required unless turned off; issuer and audience are checked when set', async () => {
    const strict = await startNode({ jwtSecret: SECRET, devTokens: false, jwtIssuer: 'idp', jwtAudience: 'live' });
    const lax = await startNode({ jwtSecret: SECRET, devTokens: false, jwtRequireExp: false });
    try {
      const key = new TextEncoder().encode(SECRET);
      const good = await mintToken(SECRET, { sub: 'u1', issuer: 'idp', audience: 'live' });
      const eventId = await createEvent(strict.url, good);
      const noExp = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setIssuer('idp')
        .setAudience('live')
        .sign(key);
      for (const [name, token] of [
        ['no exp', noExp],
        ['wrong issuer', await mintToken(SECRET, { sub: 'u1', issuer: 'other', audience: 'live' })],
        ['no issuer', await mintToken(SECRET, { sub: 'u1', audience: 'live' })],
        ['wrong audience', await mintToken(SECRET, { sub: 'u1', issuer: 'idp', audience: 'elsewhere' })],
      ] as const) {
        const res = await post(strict.url, token, eventId, 'hi');
        assert.equal(res.status, 401, name);
        assert.equal(res.body.error.code, 'unauthenticated', name);
      }
      assert.equal((await post(strict.url, good, eventId, 'hi')).status, 201);
      const laxEvent = await createEvent(lax.url, await mintToken(SECRET, { sub: 'o' }));
      const bare = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u2').sign(key);
      assert.equal((await post(lax.url, bare, laxEvent, 'no exp, allowed here')).status, 201);
    } finally {
      await Promise.all([strict.stop(), lax.stop()]);
    }
  });

  test('a WebSocket stops posting when its token expires, and reads on', async () => {
    const node = await startNode({ jwtSecret: SECRET, devTokens: false });
    try {
      const owner = await mintToken(SECRET, { sub: 'owner', role: 'service' });
      const eventId = await createEvent(node.url, owner);
      const short = await mintToken(SECRET, { sub: 'brief', name: 'Brief', ttl: 2 });
      const viewer = await WsViewer.open(node.url, eventId, `token=${short}`);
      viewer.send({ type: 'comment', text: 'while valid', clientId: 'c1' });
      assert.equal((await viewer.next((f) => f.type === 'ack' && f.clientId === 'c1')).status, 'published');
      await waitFor(() => Date.now() > expiry(short), 'the token to expire', 5000);
      viewer.send({ type: 'comment', text: 'after expiry', clientId: 'c2' });
      const refused = await viewer.next((f) => f.type === 'error' && f.clientId === 'c2');
      assert.equal(refused.error.code, 'unauthenticated');
      assert.equal((await post(node.url, owner, eventId, 'still reading')).status, 201);
      await viewer.next((f) => f.type === 'entries' && f.items.some((e: any) => e.comment?.text === 'still reading'));
      assert.ok(!viewer.entries.some((e: any) => e.comment?.text === 'after expiry'));
      await viewer.close();
    } finally {
      await node.stop();
    }
  });
});

/** A token's `exp` in milliseconds. */
function expiry(token: string): number {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp * 1000;
}
