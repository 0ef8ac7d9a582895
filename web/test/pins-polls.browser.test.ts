// Pins and polls in Chromium against a real server: the console pins a comment and an
// announcement, viewers see the pin at the top of the chat (a late one too), vote in a poll with
// live result bars, and see the final results. Screenshots go to /tmp/shots/pinpoll/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, createEvent, openPage, shotsIn } from './harness.js';

const shot = shotsIn('pinpoll');

describe('pins and polls in Chromium', () => {
  const suite = browserSuite({ alice: 'Alice', bob: 'Bob' });

  test('the console pins and unpins; viewers see the pin, vote and get the final results', async () => {
    const {
      server,
      browser,
      users: { alice, bob },
    } = suite;
    const event = await createEvent(server.url, alice, 'Quiz night');
    const url = `${server.url}/e/${event.id}`;
    const mod = await openPage(browser, `${url}/mod`, alice, { width: 1360, height: 900 });
    const viewer = await openPage(browser, url, bob);
    try {
      await viewer.page.locator('#conn[data-state="live"]').waitFor();
      await api(server.url, bob, 'POST', `/v1/events/${event.id}/comments`, { text: 'Round one was hard!' });
      // Pin Bob's comment from its Pin button in the console.
      const item = mod.page.locator('#comments li', { hasText: 'Round one was hard!' });
      await item.locator('button', { hasText: 'Pin' }).click();
      await viewer.page.locator('#pin .pin-text', { hasText: 'Round one was hard!' }).waitFor();
      assert.match(String(await viewer.page.locator('#pin .pin-meta').textContent()), /Pinned comment by Bob/);
      await shot(viewer.page, 'viewer-pinned-comment');

      // An announcement with an expiry replaces it.
      await mod.page.fill('#pin-text', 'Round two starts at nine');
      await mod.page.selectOption('#pin-for', '5');
      await mod.page.click('#pin-form button[type=submit]');
      await viewer.page.locator('#pin .pin-text', { hasText: 'Round two starts at nine' }).waitFor();
      assert.match(String(await viewer.page.locator('#pin .pin-meta').textContent()), /Pinned announcement · until/);

      // A poll: the viewer votes, changes their vote; the bars follow.
      const started = await api<{ id: string }>(server.url, alice, 'POST', `/v1/events/${event.id}/polls`, {
        question: 'Best round so far?',
        options: ['Music', 'Movies', 'Sport'],
        // Long enough for a late viewer to arrive while it is open on a slow machine.
        durationMs: 20_000,
      });
      assert.ok(started.id);
      await viewer.page.locator('#poll .poll-question', { hasText: 'Best round so far?' }).waitFor();
      await viewer.page.locator('#poll .poll-option', { hasText: 'Music' }).click();
      await viewer.page.locator('#poll .poll-option', { hasText: 'Movies' }).click();
      await viewer.page
        .locator('#poll .poll-option', { hasText: 'Movies' })
        .locator('.poll-count', { hasText: '100% · 1' })
        .waitFor();
      assert.equal(
        await viewer.page
          .locator('#poll .poll-option.chosen')
          .textContent()
          .then((t) => String(t).includes('Movies')),
        true,
      );
      await shot(viewer.page, 'viewer-pin-and-poll-live');
      await mod.page.locator('#poll .poll-count', { hasText: '100% · 1' }).waitFor();
      await shot(mod.page, 'console-pin-and-poll');

      // A viewer who comes later sees the current pin and the poll.
      const late = await openPage(browser, url);
      try {
        await late.page.locator('#pin .pin-text', { hasText: 'Round two starts at nine' }).waitFor();
        await late.page.locator('#poll .poll-meta', { hasText: 'join the chat to vote' }).waitFor();
        await shot(late.page, 'late-viewer');
      } finally {
        await late.context.close();
      }

      // The end: final results, no more votes.
      await viewer.page.locator('#poll .poll-kind', { hasText: 'Final results' }).waitFor({ timeout: 40_000 });
      assert.equal(await viewer.page.locator('#poll .poll-option').first().isDisabled(), true);
      await shot(viewer.page, 'viewer-poll-final');

      await mod.page.click('#unpin');
      await viewer.page.locator('#pin').waitFor({ state: 'hidden' });
      await shot(viewer.page, 'viewer-unpinned');
      assert.deepEqual(mod.errors, []);
      assert.deepEqual(viewer.errors, []);
    } finally {
      await mod.context.close();
      await viewer.context.close();
    }
  });
});
