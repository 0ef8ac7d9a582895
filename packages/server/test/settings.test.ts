// Event settings at the edge: one closed schema, unknown keys named in a 400, bounded sizes and
// nesting, and stored settings from before cleaned when read.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventSettings } from '@livecomments/protocol';
import { DEFAULT_SETTINGS } from '../src/events/settings.js';
import { api, createEvent, startNodeWithUsers, type TestNode, type TestUser } from './support.js';

describe('event settings', () => {
  let node: TestNode;
  let base: string;
  let alice: TestUser;

  before(async () => {
    ({ node, base, alice } = await startNodeWithUsers());
  });
  after(() => node.stop());

  /** Creates an event with a raw JSON body. */
  const createRaw = (raw: string) => api(base, 'POST', '/v1/events', { token: alice.token, raw });
  /** Patches an event with a raw JSON body. */
  const patchRaw = (eventId: string, raw: string) =>
    api(base, 'PATCH', `/v1/events/${eventId}`, { token: alice.token, raw });
  /** Whether the list holds an event of this title. */
  const listed = async (title: string) =>
    (await api(base, 'GET', '/v1/events?limit=200')).body.items.some((e: { title: string }) => e.title === title);

  test('an unknown key is a 400 naming it, and nothing is stored', async () => {
    const created = await createRaw('{"title":"subscribers only","settings":{"subscribersOnly":true}}');
    assert.equal(created.status, 400);
    assert.equal(created.body.error.code, 'invalid_request');
    assert.equal(created.body.error.field, 'settings.subscribersOnly');
    assert.match(created.body.error.message, /subscribersOnly/);
    assert.equal(await listed('subscribers only'), false, 'no event was created');

    const eventId = await createEvent(base, alice.token, { slowModeMs: 1000 });
    const before = (await api(base, 'GET', `/v1/events/${eventId}`)).body;
    for (const [raw, field] of [
      ['{"settings":{"subscribersOnly":true}}', 'settings.subscribersOnly'],
      ['{"settings":{"slowModeMs":0,"moderation":{"spamBlock":0.9,"strict":true}}}', 'settings.moderation.strict'],
      ['{"title":"x","extra":1}', 'extra'],
      // Emotes change through their own routes, which check the images.
      ['{"settings":{"emotes":[{"code":"hi","url":"/x.png"}]}}', 'settings.emotes'],
    ] as const) {
      const patched = await patchRaw(eventId, raw);
      assert.equal(patched.status, 400, raw);
      assert.equal(patched.body.error.code, 'invalid_request');
      assert.equal(patched.body.error.field, field);
    }
    const afterPatches = (await api(base, 'GET', `/v1/events/${eventId}`)).body;
    assert.deepEqual(afterPatches, before, 'a refused patch changes nothing');
  });

  test('__proto__ and constructor keys are refused', async () => {
    const eventId = await createEvent(base, alice.token);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const created = await createRaw(`{"title":"proto","settings":{"${key}":{"slowModeMs":5000}}}`);
      assert.equal(created.status, 400, key);
      assert.equal(created.body.error.field, `settings.${key}`);
      const patched = await patchRaw(eventId, `{"settings":{"moderation":{"${key}":{"shadow":true}}}}`);
      assert.equal(patched.status, 400, key);
      assert.equal(patched.body.error.field, `settings.moderation.${key}`);
    }
    const event = (await api(base, 'GET', `/v1/events/${eventId}`, { token: alice.token })).body;
    assert.deepEqual(event.settings, DEFAULT_SETTINGS);
    assert.equal(event.lastSeq, 0);
    assert.equal(await listed('proto'), false);
  });

  test('a body nested 2,500 deep is a 400, wherever the nesting sits', async () => {
    const eventId = await createEvent(base, alice.token);
    const deep = (open: string, close: string) => `${open.repeat(2500)}${close.repeat(2500)}`;
    const bodies = [
      `{"title":"deep","settings":{"junk":${deep('{"a":', '}').replace(/:}/, ':1}')}}}`,
      `{"title":"deep","settings":{"blockedTerms":${deep('[', ']')}}}`,
      `{"title":"deep","settings":{"moderation":{"spamBlock":${deep('[', ']')}}}}`,
      `{"settings":${deep('[', ']')}}`,
    ];
    const started = Date.now();
    for (const raw of bodies) {
      const created = await createRaw(raw);
      assert.equal(created.status, 400, raw.slice(0, 60));
      assert.equal(created.body.error.code, 'invalid_request');
      const patched = await patchRaw(eventId, raw);
      assert.equal(patched.status, 400);
    }
    // Generous: the answers take milliseconds; a walk that blows up takes far longer or fails.
    assert.ok(Date.now() - started < 5_000, 'deep bodies are refused quickly');
    assert.equal(await listed('deep'), false);
  });

  test('sizes are bounded: blocked terms count and length, domains, strings', async () => {
    const eventId = await createEvent(base, alice.token);
    const tooMany = Array.from({ length: 101 }, (_, i) => `t${i}`);
    for (const settings of [
      { blockedTerms: tooMany },
      { blockedTerms: ['x'.repeat(33)] },
      { allowedDomains: Array.from({ length: 201 }, (_, i) => `d${i}.example`) },
      { languages: ['english-please'] },
      { rateLimitPerMinute: 1e9 },
      { moderation: { spamBlock: 2 } },
    ]) {
      const patched = await api(base, 'PATCH', `/v1/events/${eventId}`, { token: alice.token, body: { settings } });
      assert.equal(patched.status, 400, JSON.stringify(settings).slice(0, 60));
      assert.equal(patched.body.error.code, 'invalid_request');
    }
    const ok = await api(base, 'PATCH', `/v1/events/${eventId}`, {
      token: alice.token,
      body: { settings: { blockedTerms: tooMany.slice(0, 100), profanity: 'hold', moderation: { shadow: true } } },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.settings.blockedTerms.length, 100);
    assert.equal(ok.body.settings.profanity, 'hold');
    assert.equal(ok.body.settings.moderation.shadow, true);
    assert.equal(ok.body.settings.moderation.spamBlock, DEFAULT_SETTINGS.moderation.spamBlock, 'thresholds merge');
    assert.equal(ok.body.settings.maxCommentChars, DEFAULT_SETTINGS.maxCommentChars, 'no defaults refilled');
  });

  test('unknown keys stored before are dropped when read', async () => {
    const junk = { ...DEFAULT_SETTINGS, slowModeMs: 2000, subscribersOnly: true, pad: 'x'.repeat(60_000) };
    const record = {
      id: 'ev_storedjunk',
      title: 'stored junk',
      status: 'live' as const,
      ownerId: alice.id,
      createdAt: Date.now(),
      lastSeq: 0,
      settings: { ...junk, moderation: { ...junk.moderation, extra: 1 } } as unknown as EventSettings,
    };
    await node.services.store.createEvent(record);
    const got = await api(base, 'GET', `/v1/events/${record.id}`, { token: alice.token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.settings, { ...DEFAULT_SETTINGS, slowModeMs: 2000 });
    const list = (await api(base, 'GET', '/v1/events?limit=200', { token: alice.token })).body.items;
    const listedOne = list.find((e: { id: string }) => e.id === record.id);
    assert.deepEqual(listedOne.settings, { ...DEFAULT_SETTINGS, slowModeMs: 2000 });
    // A valid patch of such an event stores clean settings.
    const patched = await api(base, 'PATCH', `/v1/events/${record.id}`, {
      token: alice.token,
      body: { settings: { uniqueChat: true } },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.settings, { ...DEFAULT_SETTINGS, slowModeMs: 2000, uniqueChat: true });
    const stored = await node.services.store.getEvent(record.id);
    assert.equal('subscribersOnly' in (stored?.settings ?? {}), false);
  });

  // Lists stored under the old bounds (1000 terms of up to 100 characters) are cut to the new
  // ones when read, keeping what fits in order, so what is shown is what is matched.
  test('a blocked-terms list stored over the bounds keeps its first 100 terms that fit', async () => {
    const long = 'y'.repeat(33);
    const terms = ['first', long, ...Array.from({ length: 999 }, (_, i) => `t${i}`)];
    const record = {
      id: 'ev_storedterms',
      title: 'stored terms',
      status: 'live' as const,
      ownerId: alice.id,
      createdAt: Date.now(),
      lastSeq: 0,
      settings: { ...DEFAULT_SETTINGS, uniqueChat: true, blockedTerms: terms },
    };
    await node.services.store.createEvent(record);
    const got = await api(base, 'GET', `/v1/events/${record.id}`, { token: alice.token });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.settings.blockedTerms, ['first', ...terms.slice(2, 101)]);
    assert.equal(got.body.settings.uniqueChat, true, 'the other settings stay');
    // The cut list is what is matched: its first term blocks, a term past the cut does not.
    const blocked = await api(base, 'POST', `/v1/events/${record.id}/comments`, {
      token: alice.token,
      body: { text: 'first' },
    });
    assert.equal(blocked.status, 422);
    const past = await api(base, 'POST', `/v1/events/${record.id}/comments`, {
      token: alice.token,
      body: { text: 't123' },
    });
    assert.equal(past.status, 201);
  });

  test('changes and ends are noted in the moderation log by the events module, whoever calls it', async () => {
    const eventId = await createEvent(base, alice.token);
    const patched = await patchRaw(eventId, '{"title":"  renamed  ","settings":{"slowModeMs":1000}}');
    assert.equal(patched.status, 200);
    assert.equal(patched.body.title, 'renamed');
    // Not through a route: the entry is the module's doing, not the caller's.
    const owner = { id: alice.id, name: 'alice', role: 'viewer' as const };
    await node.services.events.update(owner, eventId, { settings: { uniqueChat: true } });
    await node.services.events.end(owner, eventId);
    const log = await api(base, 'GET', `/v1/events/${eventId}/moderation-log`, { token: alice.token });
    assert.equal(log.status, 200);
    const items = log.body.items.map((a: { action: string; actorId: string; targetId: string; details?: object }) => [
      a.action,
      a.actorId,
      a.targetId,
      a.details,
    ]);
    assert.deepEqual(items, [
      ['end', alice.id, eventId, undefined],
      ['settings', alice.id, eventId, { settings: { uniqueChat: true } }],
      ['settings', alice.id, eventId, { title: 'renamed', settings: { slowModeMs: 1000 } }],
    ]);
  });

  test('AutoMod levels: a PATCH changes the categories it names, a wrong level or category is a 400, viewers never see them', async () => {
    const eventId = await createEvent(base, alice.token, { automod: { spam: 'high', sexual: 'low' } });
    const patched = await patchRaw(eventId, '{"settings":{"automod":{"sexual":"off","hostility":"high"}}}');
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.settings.automod, { spam: 'high', sexual: 'off', hostility: 'high' });
    const wrongLevel = await patchRaw(eventId, '{"settings":{"automod":{"spam":"extreme"}}}');
    assert.equal(wrongLevel.status, 400);
    assert.equal(wrongLevel.body.error.code, 'invalid_request');
    const unknown = await patchRaw(eventId, '{"settings":{"automod":{"violence":"low"}}}');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'settings.automod.violence');
    const asOwner = await api(base, 'GET', `/v1/events/${eventId}`, { token: alice.token });
    assert.deepEqual(asOwner.body.settings.automod, { spam: 'high', sexual: 'off', hostility: 'high' });
    const anonymous = await api(base, 'GET', `/v1/events/${eventId}`);
    assert.equal(anonymous.body.settings.automod, undefined, 'what is filtered is not told to viewers');
  });
});
