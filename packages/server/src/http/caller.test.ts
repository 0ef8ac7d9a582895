import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { createAuthenticator } from '../auth/auth.js';
import { callerHook, registerCaller } from './caller.js';
import { registerErrorHandling } from './errors.js';

test('request.principal: the caller on routes that ask for one; 401 without a token; an error elsewhere', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-caller-'));
  const auth = createAuthenticator({ devTokens: true, dataDir });
  const app = Fastify();
  registerErrorHandling(app, () => {});
  registerCaller(app);
  const needsCaller = callerHook({ auth });
  app.get('/me', { preHandler: needsCaller }, async function me(request) {
    return { id: request.principal.id, role: request.principal.role };
  });
  app.get('/forgot', async function forgot(request) {
    return { id: request.principal.id };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const { port } = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const { token, user } = await auth.issue('alice', 'moderator');

  const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.deepEqual(await me.json(), { id: user.id, role: 'moderator' });

  const anonymous = await fetch(`${base}/me`);
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'unauthenticated');

  const forged = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}x` } });
  assert.equal(forged.status, 401);

  // A route that reads the caller without asking for one is a programming error, never a guess.
  const forgot = await fetch(`${base}/forgot`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(forgot.status, 503);
  assert.equal(((await forgot.json()) as { error: { code: string } }).error.code, 'unavailable');
});
