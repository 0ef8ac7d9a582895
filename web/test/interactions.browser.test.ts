// Reactions, likes and the Top chat / Live chat switch on the viewer page, in Chromium against a
// real server. Screenshots go to /tmp/shots/reactions/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, commentTexts, createEvent, openPage, shotsIn } from './harness.js';

const shot = shotsIn('reactions');

describe('viewer page: reactions, likes, Top chat', () => {
  const suite = browserSuite({ alice: 'Alice', bob: 'Bob', relay: ['Relay', 'service'] });

  /** A reaction from the relay (a 202 without a body). */
  async function react(eventId: string, emoji: string): Promise<void> {
    const {
      server,
      users: { relay },
    } = suite;
    const res = await fetch(`${server.url}/v1/events/${eventId}/reactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.token}` },
      body: JSON.stringify({ emoji }),
    });
    assert.equal(res.status, 202);
  }

  test('reactions: a click counts for everyone; a burst floats a bounded flurry; reduced motion only counts', async () => {
    const {
      server,
      browser,
      users: { alice },
    } = suite;
    const event = await createEvent(server.url, alice, 'Cup final');
    const url = `${server.url}/e/${event.id}`;
    const a = await openPage(browser, url, alice);
    const b = await openPage(browser, url);
    const calmContext = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1280, height: 760 } });
    const calm = await calmContext.newPage();
    await calm.goto(url);
    try {
      for (const p of [a.page, b.page, calm]) await p.locator('#conn[data-state="live"]').waitFor();
      await a.page.locator('.reaction[data-emoji="🔥"]').waitFor();
      for (let i = 0; i < 3; i++) await a.page.click('.reaction[data-emoji="🔥"]');
      await b.page.locator('.reaction[data-emoji="🔥"] .count', { hasText: '3' }).waitFor();
      await calm.locator('.reaction[data-emoji="🔥"] .count', { hasText: '3' }).waitFor();

      // A burst from elsewhere: 150 reactions in a moment.
      await Promise.all(Array.from({ length: 150 }, (_, i) => react(event.id, i % 3 ? '🔥' : '👏')));
      await b.page.locator('.reaction[data-emoji="🔥"] .count', { hasText: '103' }).waitFor();
      const floating = await b.page.locator('.floater').count();
      assert.ok(floating > 0, 'the burst floats');
      assert.ok(floating <= 40, `bounded: ${floating} floating`);
      await shot(b.page, 'reactions-burst');
      await calm.locator('.reaction[data-emoji="👏"] .count', { hasText: '50' }).waitFor();
      assert.equal(await calm.locator('.floater').count(), 0, 'reduced motion: nothing floats');
      await shot(calm, 'reactions-reduced-motion');

      // Not signed in: the page says how to react.
      await b.page.click('.reaction[data-emoji="😂"]');
      await b.page.locator('#notice', { hasText: 'Join the chat to react' }).waitFor();
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      await a.context.close();
      await b.context.close();
      await calmContext.close();
    }
  });

  test('likes: one per user, the count reaches every page', async () => {
    const {
      server,
      browser,
      users: { alice, bob },
    } = suite;
    const event = await createEvent(server.url, alice, 'Q and A');
    const url = `${server.url}/e/${event.id}`;
    const a = await openPage(browser, url, alice);
    const b = await openPage(browser, url, bob);
    try {
      for (const p of [a, b]) await p.page.locator('#conn[data-state="live"]').waitFor();
      await a.page.fill('#text', 'What is the roadmap for next year?');
      await a.page.press('#text', 'Enter');
      const like = b.page.locator('li.comment', { hasText: 'roadmap' }).locator('button.like');
      await like.waitFor();
      await like.click();
      await like.locator('text=♥ 1').waitFor();
      assert.equal(await like.getAttribute('aria-pressed'), 'true');
      await a.page.locator('li.comment', { hasText: 'roadmap' }).locator('button.like', { hasText: '♡ 1' }).waitFor();
      await shot(b.page, 'likes');
      // Unlike: back to none on both pages.
      await like.click();
      await a.page.locator('li.comment', { hasText: 'roadmap' }).locator('button.like', { hasText: /^♡$/ }).waitFor();
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('Top chat / Live chat: the switch picks the view; Top chat leaves low-scored comments out', async () => {
    const {
      server,
      browser,
      users: { alice, bob },
    } = suite;
    const event = await createEvent(server.url, alice, 'Launch stream');
    const url = `${server.url}/e/${event.id}`;
    const top = await openPage(browser, `${url}?view=top`, bob);
    try {
      await top.page.locator('#conn[data-state="live"]').waitFor();
      assert.equal(await top.page.locator('.view-tab[aria-current="page"]').textContent(), 'Top chat');
      assert.equal(await top.page.locator('#chat-title').textContent(), 'Top chat');
      for (const text of ['Congrats on the launch, team', 'lol', 'gg', 'Looks great from here']) {
        await api(server.url, bob, 'POST', `/v1/events/${event.id}/comments`, { text });
      }
      await top.page.locator('#comments .text', { hasText: 'Looks great from here' }).waitFor();
      assert.deepEqual(await commentTexts(top.page), ['Congrats on the launch, team', 'Looks great from here']);
      await shot(top.page, 'top-chat');
      // A page opened later reads its history through the same rule.
      const late = await openPage(browser, `${url}?view=top`);
      try {
        await late.page.locator('#comments .text', { hasText: 'Looks great from here' }).waitFor();
        assert.deepEqual(await commentTexts(late.page), ['Congrats on the launch, team', 'Looks great from here']);
      } finally {
        await late.context.close();
      }
      await top.page.click('.view-tab:has-text("Live chat")');
      await top.page.waitForURL(/view=live/);
      await top.page.locator('#comments .text', { hasText: 'Looks great from here' }).waitFor();
      assert.deepEqual(await commentTexts(top.page), [
        'Congrats on the launch, team',
        'lol',
        'gg',
        'Looks great from here',
      ]);
      assert.equal(await top.page.locator('.view-tab[aria-current="page"]').textContent(), 'Live chat');
      await shot(top.page, 'live-chat');
      assert.deepEqual(top.errors, []);
    } finally {
      await top.context.close();
    }
  });
});
