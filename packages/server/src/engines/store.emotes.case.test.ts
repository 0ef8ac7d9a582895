// The Store contract for custom emotes, run inside storeContract (store.case.test.ts) against
// every store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmoteRecord, Store } from './store.js';

let n = 0;
/** A unique prefix for this run. */
function uid(prefix: string): string {
  n += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${n}`;
}

function emote(eventId: string, ownerId: string, code: string, over: Partial<EmoteRecord> = {}): EmoteRecord {
  return {
    eventId,
    code,
    id: uid('em'),
    ownerId,
    url: null,
    contentType: 'image/png',
    width: 28,
    height: 28,
    createdAt: Date.now() + n,
    ...over,
  };
}

/** The emote cases of the contract; `concurrent` opens more instances on one database. */
export function emoteCases(store: () => Store, concurrent?: () => Promise<Store>): void {
  test('emotes: stored with their picture, replaced by code, removed; pictures found by id', async () => {
    const s = store();
    const ev = uid('ev');
    const owner = uid('owner');
    const limits = { perEvent: 5, perOwner: 10 };
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const hype = emote(ev, owner, 'hype');
    assert.equal(await s.putEmote(hype, bytes, limits), 'stored');
    const link = emote(ev, owner, 'wave', { url: 'https://cdn.example/wave.png', contentType: null, width: null });
    assert.equal(await s.putEmote(link, null, limits), 'stored');
    assert.deepEqual(await s.listEmotes(ev), [hype, link]);
    assert.deepEqual(await s.emoteImage(hype.id), { contentType: 'image/png', bytes });
    assert.equal(await s.emoteImage(link.id), null, 'a URL emote has no picture here');

    const again = emote(ev, owner, 'hype', { contentType: 'image/gif' });
    assert.equal(await s.putEmote(again, new Uint8Array([0x47, 0x49, 0x46]), limits), 'stored');
    assert.equal(await s.emoteImage(hype.id), null, 'the old picture went with its id');
    assert.deepEqual(
      (await s.listEmotes(ev)).map((e) => [e.code, e.id]),
      [
        ['wave', link.id],
        ['hype', again.id],
      ],
    );
    assert.equal(await s.removeEmote(ev, 'hype'), true);
    assert.equal(await s.removeEmote(ev, 'hype'), false);
    assert.equal(await s.emoteImage(again.id), null);
    assert.deepEqual(await s.listEmotes(uid('none')), []);
  });

  test('emotes: a new code past the per-event or per-owner limit is refused, a replacement is not', async () => {
    const s = store();
    const owner = uid('owner');
    const [a, b] = [uid('ev'), uid('ev')];
    const limits = { perEvent: 2, perOwner: 3 };
    assert.equal(await s.putEmote(emote(a, owner, 'one'), null, limits), 'stored');
    assert.equal(await s.putEmote(emote(a, owner, 'two'), null, limits), 'stored');
    assert.equal(await s.putEmote(emote(a, owner, 'three'), null, limits), 'event_full');
    assert.equal(await s.putEmote(emote(a, owner, 'two'), null, limits), 'stored', 'same code: a replacement');
    assert.equal(await s.putEmote(emote(b, owner, 'one'), null, limits), 'stored');
    assert.equal(await s.putEmote(emote(b, owner, 'two'), null, limits), 'owner_full');
    assert.equal(await s.putEmote(emote(b, uid('other'), 'two'), null, limits), 'stored', 'another owner');
    assert.equal((await s.listEmotes(a)).length, 2);
  });

  if (concurrent) {
    test('emotes: instances racing for the last places of an owner store no more than the limit', async () => {
      // The harness closes the instances it opened.
      const others = await Promise.all([concurrent(), concurrent(), concurrent()]);
      {
        const owner = uid('owner');
        const ev = uid('ev');
        const limits = { perEvent: 50, perOwner: 4 };
        const outcomes = await Promise.all(
          [store(), ...others].flatMap((s, i) =>
            [0, 1, 2].map((j) => s.putEmote(emote(ev, owner, `c${i}_${j}`), null, limits)),
          ),
        );
        assert.equal(outcomes.filter((o) => o === 'stored').length, 4);
        assert.equal((await store().listEmotes(ev)).length, 4);
      }
    });
  }
}
