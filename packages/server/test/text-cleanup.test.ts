// Names, titles and comments with no visible character, or with controls and direction
// overrides (#12), through the REST API over real sockets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { DEV_ISSUER } from '../src/auth/auth.js';
import { api, createEvent, post, startNodeWithUsers, type TestNode, type TestUser } from './support.js';

describe('text clean-up', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ node, base, alice, bob } = await startNodeWithUsers());
  });
  after(() => node.stop());

  test('a blank or invisible-only title is refused; controls and overrides are cleaned from a title', async () => {
    for (const title of ['   ', '\u3164', '\u202e\u200b', '\u2800 \u2060', '\n\t']) {
      const res = await api(base, 'POST', '/v1/events', { token: alice.token, body: { title } });
      assert.equal(res.status, 400, JSON.stringify(title));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const created = await api(base, 'POST', '/v1/events', {
      token: alice.token,
      body: { title: ' \u202eCup\u0000 final\nlive\u202c ' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.title, 'Cup final live');
    const id = created.body.id;
    assert.equal((await api(base, 'GET', `/v1/events/${id}`)).body.title, 'Cup final live', 'stored cleaned');

    const blank = await api(base, 'PATCH', `/v1/events/${id}`, { token: alice.token, body: { title: '\u3164\u3164' } });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.error.code, 'invalid_request');
    const renamed = await api(base, 'PATCH', `/v1/events/${id}`, {
      token: alice.token,
      body: { title: 'Final\r\nday' },
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.title, 'Final day');
  });

  test('a comment of invisible characters only is refused; a family emoji is kept whole', async () => {
    const eventId = await createEvent(base, alice.token);
    for (const text of [
      '\u3164',
      '\u3164 \u3164',
      '\u2800',
      '\u{E0041}\u{E0042}',
      '\u2060\u2060',
      '\u200d',
      '\ufe0f',
    ]) {
      const res = await post(base, bob.token, eventId, text);
      assert.equal(res.status, 400, JSON.stringify(text));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    const ok = await post(base, bob.token, eventId, family);
    assert.equal(ok.status, 201);
    assert.equal(ok.body.comment.text, family);
    const log = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    assert.deepEqual(
      log.body.items
        .filter((e: { type: string }) => e.type === 'comment')
        .map((e: { comment: { text: string } }) => e.comment.text),
      [family],
      'nothing refused was stored',
    );
  });

  test('user names are cleaned: dev tokens refuse a blank name, JWT names lose controls and are cut whole', async () => {
    const blank = await api(base, 'POST', '/v1/dev/tokens', { body: { name: '\u3164\u202e' } });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.error.code, 'invalid_request');
    const dev = await api(base, 'POST', '/v1/dev/tokens', { body: { name: ' \u202eRita\u0000\nB ' } });
    assert.equal(dev.status, 201);
    assert.equal(dev.body.user.name, 'Rita B');

    const secret = new TextEncoder().encode(readFileSync(`${node.dataDir}/dev-secret`, 'utf8').trim());
    const sign = (name: string, sub: string) =>
      new SignJWT({ name })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEV_ISSUER)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(secret);
    const eventId = await createEvent(base, alice.token);
    const long = `${'a'.repeat(63)}\u{1F600}\u{1F600}`;
    const cases: [string, string][] = [
      ['\u202eEve\u0000\nX\ud800', 'Eve X\ufffd'],
      [long, `${'a'.repeat(63)}\u{1F600}`],
      ['\u3164 \u2060', 'u_blank'],
    ];
    for (const [i, [name, want]] of cases.entries()) {
      const sub = want === 'u_blank' ? 'u_blank' : `u_jwt${i}`;
      const res = await post(base, await sign(name, sub), eventId, `hello ${i}`);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.comment.user.name, want, JSON.stringify(name));
      assert.ok(res.body.comment.user.name.isWellFormed());
    }
  });
});
