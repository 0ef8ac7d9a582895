// Emotes and chat modes on the viewer page, in Chromium against a real server: the emoji picker
// types standard emoji and the event's emotes, a custom emote shows as its picture, shortcodes
// never become markup, and the composer shows the chat mode before typing and says in plain words
// why a post was refused. Screenshots (desktop and 390 px phone, light and dark) go to /tmp/shots/emotes/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { solidPng } from '@livecomments/server/testing';
import type { Page } from 'playwright-core';
import { api, browserSuite, createEvent, openPage, shotsIn } from './harness.js';

const shot = shotsIn('emotes');

describe('viewer page: emotes, the emoji picker and chat modes', () => {
  const suite = browserSuite({ owner: 'Olive', vic: 'Vic' });

  /** The newest published comment's text element. */
  const lastText = (page: Page) => page.locator('#comments li.comment:not(.pending) .text').last();

  test('picker, custom emote, shortcodes as text only, mode shown and refusals explained', async () => {
    const {
      server,
      browser,
      users: { owner, vic },
    } = suite;
    const event = await createEvent(server.url, owner, 'Emote party');
    const png = solidPng(32, 32, [236, 72, 153, 255]);
    await api(server.url, owner, 'PUT', `/v1/events/${event.id}/emotes/hype`, { image: png.toString('base64') });
    const url = `${server.url}/e/${event.id}`;
    const desk = await openPage(browser, url, vic);
    const phone = await openPage(browser, url, vic, { width: 390, height: 800 });
    try {
      const { page } = desk;
      for (const p of [page, phone.page]) await p.locator('#conn[data-state="live"]').waitFor();
      assert.equal(await page.locator('#chat-mode').isHidden(), true, 'no mode, no line');

      // The picker: the event's emote first, then standard emoji; search finds by name.
      await page.click('#emoji-button');
      const picker = page.locator('#emoji-picker');
      await picker.waitFor();
      await picker.locator('.emoji-section', { hasText: 'This event' }).locator('img.emote').waitFor();
      await page.fill('.emoji-search', 'fire');
      await picker.locator('button[aria-label=":fire:"]').click();
      assert.equal(await picker.isHidden(), true, 'choosing closes the picker');
      assert.equal(await page.inputValue('#text'), '🔥');
      await page.click('#emoji-button');
      await picker.locator('button[aria-label=":hype:"]').click();
      assert.equal(await page.inputValue('#text'), '🔥 :hype:');
      await page.keyboard.type(' :tada: <b>bold</b>');
      await page.keyboard.press('Enter');

      const text = lastText(page);
      await text.locator('img.emote[alt=":hype:"]').waitFor();
      const loaded = await text
        .locator('img.emote')
        .evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth === 32);
      assert.ok(loaded, 'the uploaded picture loads from the node');
      assert.equal(await text.locator('.emoji[title=":tada:"]').textContent(), '🎉');
      assert.equal(await text.locator('b').count(), 0, 'user text never becomes markup');
      assert.match((await text.textContent()) ?? '', /<b>bold<\/b>$/);
      await lastText(phone.page).locator('img.emote').waitFor();

      // Modes turned on reach the open page before anyone types.
      await api(server.url, owner, 'PATCH', `/v1/events/${event.id}`, {
        settings: { membersOnly: true, emoteOnly: true },
      });
      const mode = page.locator('#chat-mode');
      await mode.filter({ hasText: 'Members-only chat' }).waitFor();
      assert.match((await mode.textContent()) ?? '', /Emote-only chat/);
      await phone.page.locator('#chat-mode', { hasText: 'Members-only chat' }).waitFor();

      await page.fill('#text', 'hello everyone');
      await page.keyboard.press('Enter');
      await page.locator('#notice', { hasText: 'for members of the channel only' }).waitFor();
      assert.equal(await page.inputValue('#text'), 'hello everyone', 'the text is given back');

      await api(server.url, owner, 'PATCH', `/v1/events/${event.id}`, { settings: { membersOnly: false } });
      await mode.filter({ hasNotText: 'Members-only' }).waitFor();
      await page.keyboard.press('Enter');
      await page.locator('#notice', { hasText: 'Emote-only chat: a comment can only hold emoji' }).waitFor();
      await phone.page.fill('#text', 'words are not emotes');
      await phone.page.keyboard.press('Enter');
      await phone.page.locator('#notice', { hasText: 'Emote-only chat' }).waitFor();

      const pages = [
        [page, 'desktop'],
        [phone.page, 'phone'],
      ] as const;
      // The mode line and the refusal, then the picker open over them.
      for (const scheme of ['light', 'dark'] as const) {
        for (const [p, size] of pages) {
          await p.emulateMedia({ colorScheme: scheme });
          await shot(p, `${size}-${scheme}-mode`);
        }
      }
      for (const [p] of pages) {
        await p.click('#emoji-button');
        await p.locator('#emoji-picker .emoji-section').first().waitFor();
      }
      for (const scheme of ['light', 'dark'] as const) {
        for (const [p, size] of pages) {
          await p.emulateMedia({ colorScheme: scheme });
          await shot(p, `${size}-${scheme}-picker`);
        }
      }
      assert.deepEqual([...desk.errors, ...phone.errors], []);
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  });

  test('the console turns modes on and adds an uploaded emote; viewers see both', async () => {
    const {
      server,
      browser,
      users: { owner, vic },
    } = suite;
    const event = await createEvent(server.url, owner, 'Console emotes');
    const mod = await openPage(browser, `${server.url}/e/${event.id}/mod`, owner);
    const viewer = await openPage(browser, `${server.url}/e/${event.id}`, vic);
    try {
      const { page } = mod;
      await page.locator('#members-only').waitFor();
      await page.check('#emote-only');
      await viewer.page.locator('#chat-mode', { hasText: 'Emote-only chat' }).waitFor();
      await page.fill('#emote-code', 'gg');
      await page.setInputFiles('#emote-file', {
        name: 'gg.png',
        mimeType: 'image/png',
        buffer: solidPng(28, 28, [34, 197, 94, 255]),
      });
      await page.click('#emote-form button[type="submit"]');
      await page.locator('#emote-list .emote-row', { hasText: ':gg:' }).locator('img.emote').waitFor();
      await viewer.page.fill('#text', ':gg: :gg:');
      await viewer.page.keyboard.press('Enter');
      await lastText(viewer.page).locator('img.emote[alt=":gg:"]').nth(1).waitFor();
      await shot(page, 'console-desktop-light');
      assert.deepEqual([...mod.errors, ...viewer.errors], []);
    } finally {
      await mod.context.close();
      await viewer.context.close();
    }
  });
});
