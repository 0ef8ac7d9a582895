// Replies, mentions, badges, reports, hiding a user and deleting one's own comment on the viewer
// page, and the console's moderators and reported comments, in Chromium against a real server.
// Screenshots go to /tmp/shots/social/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, createEvent, openPage, shotsIn, type TestUser } from './harness.js';

const shot = shotsIn('social');

describe('viewer interactions in Chromium', () => {
  const suite = browserSuite({ sue: 'Streamer Sue', vic: 'Vic', bob: 'Bob' });

  test('badges, mentions, replies and threads, report, hide, delete own; the console', async () => {
    const {
      server,
      browser,
      users: { sue, vic, bob },
    } = suite;
    const event = await createEvent(server.url, sue, 'Launch stream');
    const say = (who: TestUser, text: string, parentId?: string) =>
      api<{ comment: { id: string } }>(server.url, who, 'POST', `/v1/events/${event.id}/comments`, {
        text,
        ...(parentId ? { parentId } : {}),
      });
    const { page, context, errors } = await openPage(browser, `${server.url}/e/${event.id}`, vic);
    try {
      await page.locator('#conn[data-state="live"]').waitFor();
      const fromBob = await say(bob, 'first! great stream');
      const fromSue = await say(sue, 'welcome everyone, hi @Vic');
      const sueItem = page.locator(`li.comment[data-id="${fromSue.comment.id}"]`);
      await sueItem.waitFor();
      assert.equal(await sueItem.locator('.badge-tag[data-badge="owner"]').textContent(), 'Host');
      assert.ok(await sueItem.evaluate((el) => el.classList.contains('mentions-me')), 'a mention of me stands out');
      assert.equal(
        await page
          .locator(`li.comment[data-id="${fromBob.comment.id}"]`)
          .evaluate((el) => el.classList.contains('mentions-me')),
        false,
      );
      await shot(page, '1-badge-and-mention');

      // @name autocomplete from the recent chatters.
      await page.fill('#text', '');
      await page.type('#text', 'hey @B');
      await page.locator('#mention-list li', { hasText: '@Bob' }).waitFor();
      await shot(page, '2-mention-autocomplete');
      await page.keyboard.press('Enter');
      assert.equal(await page.inputValue('#text'), 'hey @Bob ');
      await page.fill('#text', '');

      // Reply: the control, the quoted parent above the reply, and the thread.
      await sueItem.hover();
      await sueItem.locator('button.reply').click();
      await page.locator('#reply-chip', { hasText: 'Replying to Streamer Sue' }).waitFor();
      await page.type('#text', 'thanks Sue!');
      await page.keyboard.press('Enter');
      const reply = page
        .locator('li.comment:not(.pending)', { hasText: 'thanks Sue!' })
        .filter({ has: page.locator('.reply-quote') });
      await reply.waitFor();
      assert.match((await reply.locator('.reply-quote').textContent()) ?? '', /Streamer Sue welcome everyone/);
      await sueItem.locator('.thread-open', { hasText: '1 reply' }).waitFor();
      await shot(page, '3-reply-with-quote');
      await sueItem.locator('.thread-open').click();
      await page.locator('#thread-dialog .thread-item', { hasText: 'thanks Sue!' }).waitFor();
      await shot(page, '4-thread-view');
      await page.locator('#thread-dialog button', { hasText: 'Close' }).click();

      // Report Bob's comment with a reason.
      const bobItem = page.locator(`li.comment[data-id="${fromBob.comment.id}"]`);
      await bobItem.hover();
      await bobItem.locator('button.report').click();
      await page.selectOption('#report-reason', 'Spam');
      await page.fill('#report-detail', 'posted in every chat');
      await shot(page, '5-report-dialog');
      await page.locator('#report-dialog button[type=submit]').click();
      await page.locator('#toast', { hasText: 'Reported' }).waitFor();
      const queue = await api<{ items: any[] }>(server.url, sue, 'GET', `/v1/events/${event.id}/review`);
      assert.deepEqual(queue.items[0].reports, { count: 1, reasons: ['Spam: posted in every chat'] });

      // Delete my own comment (two clicks), then hide Bob on this device (kept after a reload).
      const mine = page.locator('li.comment:not(.pending)', { hasText: 'thanks Sue!' });
      await mine.hover();
      await mine.locator('button.delete').click();
      await mine.locator('button.delete', { hasText: 'Delete?' }).click();
      await mine.waitFor({ state: 'detached' });
      await bobItem.hover();
      await bobItem.locator('button.hide').click();
      await bobItem.waitFor({ state: 'hidden' });
      await page.reload();
      await page.locator(`li.comment[data-id="${fromSue.comment.id}"]`).waitFor();
      await page.locator(`li.comment[data-id="${fromBob.comment.id}"]`).waitFor({ state: 'hidden' });
      await page.locator('#unhide', { hasText: '1 hidden' }).waitFor();
      await shot(page, '6-user-hidden');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }

    // The console: the reported comment with its count and reasons; moderators by user id.
    const mod = await openPage(browser, `${server.url}/e/${event.id}/mod`, sue);
    try {
      await mod.page.locator('#queue .held-card .reported', { hasText: 'Reported once' }).waitFor();
      await mod.page.fill('#mods-user', bob.user.id);
      await mod.page.fill('#mods-name', 'Bob');
      await mod.page.locator('#mods-form button[type=submit]').click();
      await mod.page.locator(`#mods li[data-user="${bob.user.id}"]`).waitFor();
      const listed = await api<{ items: any[] }>(server.url, sue, 'GET', `/v1/events/${event.id}/moderators`);
      assert.deepEqual(
        listed.items.map((m) => m.userId),
        [bob.user.id],
      );
      await shot(mod.page, '7-console-moderators-and-reports');
      const fromMod = await say(bob, 'glad to help keep the chat friendly');
      assert.ok(fromMod.comment.id);
      await mod.page
        .locator(`li.comment[data-id="${fromMod.comment.id}"] .badge-tag[data-badge="moderator"]`)
        .waitFor();
      await mod.page.locator(`#mods li[data-user="${bob.user.id}"] button`).click();
      await mod.page.locator(`#mods li[data-user="${bob.user.id}"]`).waitFor({ state: 'detached' });
      assert.deepEqual(mod.errors, []);
    } finally {
      await mod.context.close();
    }
  });
});
