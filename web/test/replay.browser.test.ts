// The chat replay of an ended event in Chromium against a real server: the replay panel stands
// in place of the composer, a seek shows the chat as it was at that point (without what
// moderators removed, also after the end), playing brings the next comments at their time, and
// the panel works by keyboard and at 390 px. Screenshots go to /tmp/shots/replay/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, commentTexts, createEvent, openPage, shotsIn } from './harness.js';

const shot = shotsIn('replay');
const MIN = 60_000;

describe('chat replay in Chromium', () => {
  const suite = browserSuite({ olive: 'Olive', bot: ['Match bot', 'service'], sam: 'Spam Sam' });

  test('an ended event replays its chat beside a player position; seeks show what was said by then', async () => {
    const {
      server,
      browser,
      users: { olive, bot, sam },
    } = suite;
    const event = await createEvent(server.url, olive, 'Cup final', { mediaStartedAt: Date.now() - 10 * MIN });
    const ids: Record<string, string> = {};
    const say = async (text: string, mediaTimeMs: number, who = bot) => {
      const res = await api<{ comment: { id: string } }>(server.url, who, 'POST', `/v1/events/${event.id}/comments`, {
        text,
        mediaTimeMs,
      });
      ids[text] = res.comment.id;
    };
    await say('Kick-off!', 5_000);
    await say('What a save', 1 * MIN);
    await say('Removed by a moderator', 62_000);
    await say('Sam says hi to everyone', 100_000, sam);
    await say('GOAL!!!', 2 * MIN);
    await say('Half time', 5 * MIN);
    await say('Second half under way', 6 * MIN + 40_000);
    await api(server.url, olive, 'POST', `/v1/events/${event.id}/end`);
    // Moderation after the fact: a deletion and a ban that purges what the user said.
    await api(server.url, olive, 'DELETE', `/v1/events/${event.id}/comments/${ids['Removed by a moderator']}`);
    await api(server.url, olive, 'POST', `/v1/events/${event.id}/bans`, { userId: sam.user.id });

    const { page, context, errors } = await openPage(browser, `${server.url}/e/${event.id}`, olive);
    try {
      await page.locator('#replay').waitFor();
      assert.equal(await page.locator('#compose').isVisible(), false, 'no composer on an ended event');
      assert.equal(await page.locator('#reactions').isVisible(), false, 'no reaction bar on an ended event');
      assert.equal(await page.locator('#chat-title').textContent(), 'Chat replay');
      const slider = page.locator('#replay-pos');
      assert.ok(Number(await slider.getAttribute('max')) >= 10 * MIN, 'the slider spans the event');

      // Seek to 2:10: the chat as it stood then, without the deleted comment or the banned user's.
      await slider.fill(String(2 * MIN + 10_000));
      await page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 3);
      assert.deepEqual(await commentTexts(page), ['Kick-off!', 'What a save', 'GOAL!!!']);
      assert.match(String(await page.locator('#replay-time').textContent()), /^2:10 \/ 10:/);
      // Each comment at its place in the stream (its media time), not the time of day it was posted.
      assert.deepEqual(await page.locator('#comments li.comment time.time').allTextContents(), [
        '0:05',
        '1:00',
        '2:00',
      ]);
      assert.equal(await page.locator('#comments li.comment time.time').first().getAttribute('datetime'), 'PT5S');
      await shot(page, 'desktop-seek-2m10');

      // Back before the first comment: an empty chat.
      await slider.fill('1000');
      await page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 0);

      // By keyboard: End jumps to the end of the event, Home back to the start.
      await slider.focus();
      await page.keyboard.press('End');
      await page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 5);
      assert.deepEqual(await commentTexts(page), [
        'Kick-off!',
        'What a save',
        'GOAL!!!',
        'Half time',
        'Second half under way',
      ]);
      await page.keyboard.press('Home');
      await page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 0);

      // Play from 4:58 at 4x: "Half time" (5:00) comes within a second or so; nothing after it.
      await slider.fill(String(5 * MIN - 2000));
      await page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 3);
      await page.selectOption('#replay-speed', '4');
      await page.locator('#replay-play').focus();
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#replay-play').getAttribute('aria-label'), 'Pause the chat replay');
      await page.locator('#comments li.comment', { hasText: 'Half time' }).waitFor();
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#replay-play').getAttribute('aria-label'), 'Play the chat replay');
      assert.deepEqual(await commentTexts(page), ['Kick-off!', 'What a save', 'GOAL!!!', 'Half time']);
      const position = Number(await slider.inputValue());
      assert.ok(position >= 5 * MIN && position < 6 * MIN, `paused at ${position}`);
      await shot(page, 'desktop-played-to-half-time');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }

    // A phone: the panel fits 390 px, with controls big enough to touch.
    const phone = await openPage(browser, `${server.url}/e/${event.id}`, undefined, { width: 390, height: 844 });
    try {
      await phone.page.locator('#replay').waitFor();
      await phone.page.locator('#replay-pos').fill(String(2 * MIN + 10_000));
      await phone.page.waitForFunction(() => document.querySelectorAll('#comments li.comment').length === 3);
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
      for (const id of ['#replay-play', '#replay-pos', '#replay-speed']) {
        const box = await phone.page.locator(id).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.height >= 40, `${id}: ${JSON.stringify(box)}`);
      }
      await shot(phone.page, 'phone-seek-2m10');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });
});
