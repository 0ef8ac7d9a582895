// The pages in a real browser (Debian's Chromium via playwright-core) against a real server.
// One browser for the whole file; each test opens its own contexts and saves a screenshot.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  api,
  commentSeqs,
  commentTexts,
  createEvent,
  launchBrowser,
  openPage,
  shot,
  signUp,
  startProxy,
  startServer,
  type TestServer,
  type TestUser,
} from './harness.js';

describe('web pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    // One after the other: a browser that fails to start must not leave an unclosed server behind.
    server = await startServer();
    browser = await launchBrowser();
    alice = await signUp(server.url, 'Alice');
    bob = await signUp(server.url, 'Bob');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('home: start an event, land on its page', async () => {
    const { page, context } = await openPage(browser, `${server.url}/`);
    try {
      await page.fill('#name', 'Dana');
      await page.fill('#title', 'Launch party');
      await page.click('button[type=submit]');
      await page.waitForURL(/\/e\/[^/]+$/);
      await page.locator('#title', { hasText: 'Launch party' }).waitFor();
      await page.locator('#conn[data-state="live"]').waitFor();
      assert.equal(await page.locator('#modlink').isVisible(), true, 'the owner is offered the console');
      await page.goto(`${server.url}/`);
      await page.locator('.event-row', { hasText: 'Launch party' }).waitFor();
      await shot(page, 'home');
    } finally {
      await context.close();
    }
  });

  test('two pages on one event see each other within a second', async () => {
    const event = await createEvent(server.url, alice, 'Match day');
    const url = `${server.url}/e/${event.id}`;
    const a = await openPage(browser, url, alice);
    const b = await openPage(browser, url);
    try {
      // Bob joins through the page's own form.
      await b.page.fill('#join-name', 'Bob');
      await b.page.click('#join button');
      await b.page.locator('#compose').waitFor();
      await Promise.all([a, b].map((p) => p.page.locator('#conn[data-state="live"]').waitFor()));

      await a.page.fill('#text', 'Kick-off! Who is watching?');
      const sent = Date.now();
      await a.page.press('#text', 'Enter');
      await b.page.locator('#comments .text', { hasText: 'Kick-off! Who is watching?' }).waitFor({ timeout: 1000 });
      const latency = Date.now() - sent;
      assert.ok(latency < 1000, `seen after ${latency} ms`);

      await b.page.fill('#text', 'Me, from the couch');
      await b.page.press('#text', 'Enter');
      await a.page.locator('#comments .text', { hasText: 'Me, from the couch' }).waitFor({ timeout: 1000 });
      await a.page.locator('#viewers', { hasText: '2 watching' }).waitFor();
      assert.deepEqual(await commentTexts(a.page), await commentTexts(b.page));
      assert.equal(await a.page.locator('#counter').textContent(), '0/500');
      await shot(a.page, 'chat-two-pages');
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('scrolled up: the list stays put and counts new comments on a button', async () => {
    const event = await createEvent(server.url, alice, 'Busy chat');
    // A trusted publisher: no per-user rate limit for the warm-up burst.
    const bot = await signUp(server.url, 'Stage bot', 'service');
    const post = (text: string) =>
      api(server.url, bot, 'POST', `/v1/events/${event.id}/comments`, { text, clientId: text });
    for (let i = 1; i <= 20; i++) await post(`warm-up comment number ${i}`);
    const b = await openPage(browser, `${server.url}/e/${event.id}`, bob, { width: 900, height: 600 });
    try {
      await b.page.locator('#comments .text', { hasText: 'warm-up comment number 20' }).waitFor();
      await b.page.locator('#comments').evaluate((el) => el.scrollTo({ top: 0 }));
      for (let i = 1; i <= 3; i++) await post(`while reading ${i}`);
      await b.page.locator('#newer', { hasText: '3 new comments' }).waitFor();
      assert.equal(
        await b.page.locator('#comments').evaluate((el) => el.scrollTop),
        0,
        'the reader stays where they are',
      );
      await shot(b.page, 'new-comments-button');
      await b.page.click('#newer');
      await b.page.locator('#newer').waitFor({ state: 'hidden' });
      await b.page.waitForFunction(() => {
        const el = document.getElementById('comments')!;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      });
    } finally {
      await b.context.close();
    }
  });

  test('a sign-in the server no longer knows: the page reads on and offers to join again', async () => {
    const event = await createEvent(server.url, alice, 'Old tokens');
    await api(server.url, alice, 'POST', `/v1/events/${event.id}/comments`, { text: 'still readable', clientId: 'r1' });
    const stale = { token: 'stale.token.value', user: { id: 'u_gone', name: 'Ghost' } };
    const p = await openPage(browser, `${server.url}/e/${event.id}`, stale);
    try {
      await p.page.locator('#conn[data-state="live"]').waitFor();
      await p.page.locator('#comments .text', { hasText: 'still readable' }).waitFor();
      await p.page.locator('#join').waitFor();
      await p.page.locator('#notice', { hasText: 'join again' }).waitFor();
    } finally {
      await p.context.close();
    }
  });

  test('a <script> / <img onerror> payload is shown as text and nothing runs', async () => {
    const event = await createEvent(server.url, alice, 'Safety check');
    const url = `${server.url}/e/${event.id}`;
    const a = await openPage(browser, url, bob);
    const b = await openPage(browser, url, alice);
    try {
      const payloads = [
        '<script>window.__pwned = "script"; alert("script")</script>',
        "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
      ];
      await a.page.locator('#conn[data-state="live"]').waitFor();
      for (const text of payloads) {
        await a.page.fill('#text', text);
        await a.page.press('#text', 'Enter');
      }
      for (const p of [a, b]) {
        for (const text of payloads) await p.page.locator('#comments .text', { hasText: text }).first().waitFor();
        assert.equal(await p.page.locator('#comments img, #comments script').count(), 0);
        assert.equal(await p.page.evaluate(() => (window as { __pwned?: string }).__pwned), undefined);
      }
      await b.page.waitForTimeout(300);
      assert.deepEqual([...a.dialogs, ...b.dialogs], []);
      assert.deepEqual([...a.errors, ...b.errors], []);
      await shot(b.page, 'xss-as-text');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('falls back to SSE, then long polling, when a proxy refuses WebSocket, then SSE', async () => {
    const event = await createEvent(server.url, alice, 'Behind a proxy');
    const noWs = await startProxy(server.url, { ws: true });
    const noStreams = await startProxy(server.url, { ws: true, sse: true });
    const direct = await openPage(browser, `${server.url}/e/${event.id}`, alice);
    const sse = await openPage(browser, `${noWs.url}/e/${event.id}`, bob);
    const poll = await openPage(browser, `${noStreams.url}/e/${event.id}`, bob, { width: 390, height: 760 });
    try {
      await direct.page.locator('#conn[data-transport="ws"]').waitFor();
      await sse.page.locator('#conn[data-transport="sse"]').waitFor({ timeout: 10_000 });
      await poll.page.locator('#conn[data-transport="poll"]').waitFor({ timeout: 10_000 });
      assert.equal(await poll.page.locator('#conn').textContent(), 'Live · Long polling');

      // The pages keep working both ways.
      await direct.page.fill('#text', 'Hello proxies');
      await direct.page.press('#text', 'Enter');
      for (const p of [sse, poll]) await p.page.locator('#comments .text', { hasText: 'Hello proxies' }).waitFor();
      await poll.page.fill('#text', 'Polling works');
      await poll.page.press('#text', 'Enter');
      for (const p of [direct, sse]) await p.page.locator('#comments .text', { hasText: 'Polling works' }).waitFor();
      // What worked is remembered for the next visit.
      const remembered = await poll.page.evaluate(() =>
        Object.entries(localStorage).find(([k]) => k.startsWith('livecomments.transport')),
      );
      assert.match(String(remembered?.[1]), /"poll"/);
      await shot(sse.page, 'fallback-sse');
      await shot(poll.page, 'fallback-long-poll-phone');
    } finally {
      for (const p of [direct, sse, poll]) await p.context.close();
      await noWs.close();
      await noStreams.close();
    }
  });

  test('server restart while pages are open: they reconnect and show every comment once, in order', async () => {
    const event = await createEvent(server.url, alice, 'Restart drill');
    const url = `${server.url}/e/${event.id}`;
    const pages = await Promise.all([openPage(browser, url, alice), openPage(browser, `${url}?transport=sse`, bob)]);
    try {
      for (const p of pages) await p.page.locator('#conn[data-state="live"]').waitFor();
      for (let i = 1; i <= 3; i++)
        await api(server.url, alice, 'POST', `/v1/events/${event.id}/comments`, {
          text: `before ${i}`,
          clientId: `b${i}`,
        });
      for (const p of pages) await p.page.locator('#comments .text', { hasText: 'before 3' }).waitFor();

      await server.stop();
      for (const p of pages) await p.page.locator('#conn:not([data-state="live"])').waitFor();
      await shot(pages[0]!.page, 'restart-reconnecting');
      await server.start();
      // Posted while the pages are still away: they must get these by resuming.
      for (let i = 1; i <= 3; i++)
        await api(server.url, bob, 'POST', `/v1/events/${event.id}/comments`, {
          text: `while away ${i}`,
          clientId: `w${i}`,
        });
      for (const p of pages) await p.page.locator('#conn[data-state="live"]').waitFor({ timeout: 15_000 });
      await api(server.url, alice, 'POST', `/v1/events/${event.id}/comments`, { text: 'after', clientId: 'a1' });

      const expected = ['before 1', 'before 2', 'before 3', 'while away 1', 'while away 2', 'while away 3', 'after'];
      for (const p of pages) {
        await p.page.locator('#comments .text', { hasText: 'after' }).waitFor();
        assert.deepEqual(await commentTexts(p.page), expected);
        assert.deepEqual(await commentSeqs(p.page), [1, 2, 3, 4, 5, 6, 7]);
      }
      await shot(pages[1]!.page, 'restart-resumed');
    } finally {
      for (const p of pages) await p.context.close();
    }
  });

  test('moderator flow: held comment in the console, approve publishes, blocked terms, slow mode, delete, ban', async () => {
    const event = await createEvent(server.url, alice, 'Moderated talk');
    const carol = await signUp(server.url, 'Carol');
    const url = `${server.url}/e/${event.id}`;
    const mod = await openPage(browser, `${url}/mod`, alice, { width: 1360, height: 820 });
    const poster = await openPage(browser, url, bob);
    const viewer = await openPage(browser, url, carol);
    try {
      await mod.page.locator('#console').waitFor();
      await mod.page.locator('#conn[data-state="live"]').waitFor();
      // Links off: a comment with a link is held for review (the core's rule).
      await mod.page.click('#links');
      // Links off holds them for review: the console says so, not "blocked".
      await mod.page.locator('#toast', { hasText: 'Comments with links are held for review' }).waitFor();
      await mod.page.locator('#links-effect', { hasText: 'held for review' }).waitFor();
      // The attack rules are on by default; the switch turns them off for this event.
      assert.equal(await mod.page.isChecked('#attack-rules'), true);
      await mod.page.click('#attack-rules');
      await mod.page.locator('#toast', { hasText: 'Attack rules off' }).waitFor();
      const stored = await api<{ settings: { attackRules?: boolean } }>(
        server.url,
        alice,
        'GET',
        `/v1/events/${event.id}`,
      );
      assert.equal(stored.settings.attackRules, false);

      await poster.page.locator('#conn[data-state="live"]').waitFor();
      await poster.page.fill('#text', 'A first plain comment');
      await poster.page.press('#text', 'Enter');
      await viewer.page.locator('#comments .text', { hasText: 'A first plain comment' }).waitFor();
      await poster.page.fill('#text', 'Slides are at example.com/talk');
      await poster.page.press('#text', 'Enter');
      await poster.page.locator('#notice', { hasText: 'review' }).waitFor();
      await poster.page.locator('#comments li.held', { hasText: 'example.com/talk' }).waitFor();

      const card = mod.page.locator('.held-card', { hasText: 'example.com/talk' });
      await card.waitFor({ timeout: 8000 });
      await mod.page.locator('#c-held', { hasText: '1' }).waitFor();
      await shot(mod.page, 'mod-held');
      assert.equal(await viewer.page.locator('#comments .text', { hasText: 'example.com/talk' }).count(), 0);

      // Approve by key.
      await mod.page.locator('#queue').focus();
      await mod.page.keyboard.press('a');
      await viewer.page.locator('#comments .text', { hasText: 'example.com/talk' }).waitFor();
      await poster.page.locator('#comments li.held').waitFor({ state: 'detached' });
      await card.waitFor({ state: 'detached' });
      await shot(viewer.page, 'mod-approved-viewer');

      // Blocked terms edited in the console: such a comment is refused, and counted by reason.
      await mod.page.fill('#terms', 'spoiler\nbadword');
      await mod.page.click('#save-terms');
      await mod.page.locator('#toast', { hasText: 'Saved 2 blocked term' }).waitFor();
      await poster.page.fill('#text', 'huge spoiler ahead');
      await poster.page.press('#text', 'Enter');
      await poster.page.locator('#notice', { hasText: 'not published' }).waitFor();
      assert.equal(await poster.page.locator('#text').inputValue(), 'huge spoiler ahead', 'the text is given back');
      await mod.page.locator('#c-reasons', { hasText: 'blocked term 1' }).waitFor({ timeout: 8000 });
      assert.equal(await mod.page.locator('#c-refused').textContent(), '1');

      // Slow mode from the console: the viewer sees a countdown and cannot send meanwhile.
      await mod.page.selectOption('#slow-ms', '30000');
      await mod.page.click('#slow');
      await mod.page.locator('#toast', { hasText: 'Slow mode on' }).waitFor();
      await poster.page.locator('#slow-badge', { hasText: '30 s' }).waitFor();
      await poster.page.fill('#text', 'Slow and steady');
      await poster.page.press('#text', 'Enter');
      await viewer.page.locator('#comments .text', { hasText: 'Slow and steady' }).waitFor();
      await poster.page.locator('#notice', { hasText: /post again in \d+ s/ }).waitFor();
      await poster.page.fill('#text', 'Too soon');
      assert.equal(await poster.page.locator('#send').isDisabled(), true);
      await shot(poster.page, 'viewer-slow-mode');
      // `event` entries carry the public settings only: the console reads the rest with its token,
      // so the terms and the attack-rules switch outlive a change, also one from another window.
      const terms = () => mod.page.locator('#terms').inputValue();
      assert.equal(await terms(), 'spoiler\nbadword');
      assert.equal(await mod.page.isChecked('#attack-rules'), false);
      await api(server.url, alice, 'PATCH', `/v1/events/${event.id}`, {
        settings: { blockedTerms: ['spoiler', 'badword', 'elsewhere'] },
      });
      await mod.page.waitForFunction(
        () => (document.querySelector('#terms') as HTMLTextAreaElement).value === 'spoiler\nbadword\nelsewhere',
      );
      assert.equal(await mod.page.isChecked('#attack-rules'), false);

      // Delete one comment by keyboard: it leaves every screen, and the keyboard stays in the list.
      await mod.page
        .locator('#comments li.comment', { hasText: 'Slow and steady' })
        .getByRole('button', { name: 'Delete' })
        .focus();
      await mod.page.keyboard.press('Enter');
      await viewer.page.locator('#comments .text', { hasText: 'Slow and steady' }).waitFor({ state: 'detached' });
      await poster.page.locator('#comments .text', { hasText: 'Slow and steady' }).waitFor({ state: 'detached' });
      await mod.page.locator('#comments .text', { hasText: 'Slow and steady' }).waitFor({ state: 'detached' });
      assert.equal(
        await mod.page.evaluate(() => document.getElementById('comments')?.contains(document.activeElement)),
        true,
        'focus stays in the list after the deleted comment leaves',
      );

      // Ban the author from the live list: it asks for a reason and a confirmation first.
      const banButton = mod.page
        .locator('#comments li.comment', { hasText: 'A first plain comment' })
        .getByRole('button', { name: 'Ban Bob' });
      await banButton.click();
      await mod.page.locator('#ban-dialog[open]').waitFor();
      await mod.page.click('#ban-cancel');
      await mod.page.locator('#ban-dialog').waitFor({ state: 'hidden' });
      assert.equal((await viewer.page.locator(`#comments li[data-user="${bob.user.id}"]`).count()) > 0, true);
      await banButton.click();
      await mod.page.fill('#ban-reason', 'link spam');
      await mod.page.locator('#ban-dialog button[type=submit]').click();
      // Viewers no longer see the user's comments (as on Twitch)...
      await viewer.page
        .locator('#comments li.comment[data-user]', { hasText: 'Bob' })
        .first()
        .waitFor({ state: 'detached' });
      assert.equal(await viewer.page.locator(`#comments li[data-user="${bob.user.id}"]`).count(), 0);
      // ...the moderator still does, greyed with the action, and the user sees theirs marked.
      await mod.page.locator('#comments li.comment.moderated', { hasText: 'A first plain comment' }).waitFor();
      await mod.page.locator('#comments li.moderated .state', { hasText: 'Banned' }).first().waitFor();
      await poster.page.locator('#comments li.moderated', { hasText: 'A first plain comment' }).waitFor();
      assert.equal(await poster.page.locator('#comments .chat-empty').count(), 0, 'not "No comments yet"');
      await poster.page.locator('#notice', { hasText: 'banned' }).waitFor();
      assert.equal(await poster.page.locator('#text').isDisabled(), true);
      // The console lists the ban with its reason, logs it, and lifts it.
      await mod.page.locator('#bans li', { hasText: 'link spam' }).waitFor();
      await mod.page.locator('#modlog li', { hasText: 'banned Bob' }).waitFor();
      await mod.page.getByRole('button', { name: 'Lift the ban of Bob' }).click();
      await mod.page.locator('#bans li', { hasText: 'Nobody is banned' }).waitFor();
      await mod.page.locator('#modlog li', { hasText: 'lifted the ban of Bob' }).waitFor();

      await shot(mod.page, 'mod-after-ban');
      await shot(poster.page, 'viewer-banned');
      // After a reload the console shows the moderation settings again.
      await mod.page.reload();
      await mod.page.locator('#conn[data-state="live"]').waitFor();
      await mod.page.waitForFunction(
        () => (document.querySelector('#terms') as HTMLTextAreaElement).value === 'spoiler\nbadword\nelsewhere',
      );
      assert.equal(await mod.page.isChecked('#attack-rules'), false);
      assert.deepEqual([...mod.errors, ...poster.errors, ...viewer.errors], []);
    } finally {
      for (const p of [mod, poster, viewer]) await p.context.close();
    }
  });

  test('busy chat (30 comments/s): bounded while scrolled up, and the button follows the end again', async () => {
    const event = await createEvent(server.url, alice, 'Busy burst');
    const bot = await signUp(server.url, 'Stage bot', 'service');
    const path = `/v1/events/${event.id}/comments`;
    for (let i = 1; i <= 60; i++) await api(server.url, bot, 'POST', path, { text: `warm-up ${i}`, clientId: `w${i}` });
    const b = await openPage(browser, `${server.url}/e/${event.id}`, bob, { width: 900, height: 600 });
    const burst = startBurst(server.url, bot, path, 30);
    try {
      await b.page.locator('#comments .text', { hasText: 'warm-up 60' }).waitFor();
      await b.page.locator('#comments').evaluate((el) => el.scrollTo({ top: 0 }));
      // Five seconds scrolled up: arrivals wait off screen, the list stays bounded.
      await b.page.waitForTimeout(5000);
      await b.page.locator('#newer', { hasText: /\d+ new comments/ }).waitFor();
      const shown = await b.page.locator('#comments li.comment').count();
      const elements = await b.page.evaluate(() => document.getElementsByTagName('*').length);
      assert.ok(shown <= 150, `${shown} comments on screen while scrolled up`);
      assert.ok(elements < 2500, `${elements} elements`);
      // The button answers a click at once and follows the end while comments keep coming.
      const tookMs = await b.page.evaluate(async () => {
        const list = document.getElementById('comments') as HTMLElement;
        const started = performance.now();
        (document.getElementById('newer') as HTMLButtonElement).click();
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const gap = list.scrollHeight - list.scrollTop - list.clientHeight;
        return gap < 48 ? performance.now() - started : -gap;
      });
      assert.ok(tookMs >= 0, `still ${-tookMs} px above the end after the click`);
      assert.ok(tookMs < 1000, `the click took ${tookMs} ms to answer`);
      for (let i = 0; i < 10; i++) {
        await b.page.waitForTimeout(200);
        const state = await b.page.evaluate(() => {
          const list = document.getElementById('comments') as HTMLElement;
          return { gap: list.scrollHeight - list.scrollTop - list.clientHeight, newer: !list.nextElementSibling };
        });
        assert.ok(state.gap < 48, `sample ${i}: ${state.gap} px above the end while following`);
        assert.equal(await b.page.locator('#newer').isVisible(), false);
      }
      assert.ok((await b.page.locator('#comments li.comment').count()) <= 150);
      await shot(b.page, 'busy-following');
    } finally {
      await burst.stop();
      await b.context.close();
    }
  });

  test('scrolling to the top reads older pages, without deleted comments', async () => {
    const event = await createEvent(server.url, alice, 'Long history');
    const bot = await signUp(server.url, 'Stage bot', 'service');
    const path = `/v1/events/${event.id}/comments`;
    const ids: string[] = [];
    for (let i = 1; i <= 220; i++) {
      const posted = await api<{ comment: { id: string } }>(server.url, bot, 'POST', path, {
        text: `history ${i}`,
        clientId: `h${i}`,
      });
      ids.push(posted.comment.id);
    }
    await api(server.url, alice, 'DELETE', `${path}/${ids[9]}`);
    const b = await openPage(browser, `${server.url}/e/${event.id}`, bob, { width: 900, height: 600 });
    try {
      await b.page.locator('#comments .text', { hasText: 'history 220' }).waitFor();
      for (let i = 0; i < 40; i++) {
        if ((await b.page.locator('#comments .text', { hasText: /^history 1$/ }).count()) > 0) break;
        await b.page.locator('#comments').evaluate((el) => el.scrollTo({ top: 0 }));
        await b.page.waitForTimeout(150);
      }
      await b.page.locator('#comments .text', { hasText: /^history 1$/ }).waitFor({ timeout: 2000 });
      const texts = await commentTexts(b.page);
      const numbers = texts.map((t) => Number(t.replace('history ', '')));
      assert.deepEqual(
        numbers,
        [...numbers].sort((x, y) => x - y),
        'oldest first',
      );
      assert.equal(numbers.includes(10), false, 'the deleted comment stays gone');
      assert.ok(numbers.length <= 150);
      assert.equal(numbers[0], 1);
      // The newest went off screen to keep the list bounded; the button brings them back.
      await b.page.click('#newer');
      await b.page.locator('#comments .text', { hasText: 'history 220' }).waitFor();
    } finally {
      await b.context.close();
    }
  });

  test('a held comment the moderator rejects: its author is told; Shift+Enter promises no line', async () => {
    const event = await createEvent(server.url, alice, 'Held and rejected', { linksAllowed: false });
    const p = await openPage(browser, `${server.url}/e/${event.id}`, bob);
    try {
      await p.page.locator('#conn[data-state="live"]').waitFor();
      const hint = await p.page.locator('.compose-hint').innerHTML();
      assert.equal(/shift/i.test(hint), false, 'no Shift+Enter promise');
      await p.page.fill('#text', 'one');
      await p.page.press('#text', 'Shift+Enter');
      assert.equal(await p.page.locator('#text').inputValue(), 'one', 'no line break that would be lost');
      await p.page.fill('#text', 'My page is at example.com/mine');
      await p.page.press('#text', 'Enter');
      await p.page.locator('#comments li.held', { hasText: 'example.com/mine' }).waitFor();
      const [held] = (
        await api<{ items: { comment: { id: string } }[] }>(server.url, alice, 'GET', `/v1/events/${event.id}/review`)
      ).items;
      await api(server.url, alice, 'POST', `/v1/events/${event.id}/review/${held?.comment.id}`, { action: 'reject' });
      await p.page.locator('#comments li.rejected .state', { hasText: 'Not published' }).waitFor({ timeout: 12_000 });
      assert.equal(await p.page.locator('#comments li.held').count(), 0);
      await shot(p.page, 'held-rejected');
    } finally {
      await p.context.close();
    }
  });

  test('an ended event: listed under past events, its chat readable, no join, not "Live"', async () => {
    const event = await createEvent(server.url, alice, 'Yesterday’s show');
    await api(server.url, alice, 'POST', `/v1/events/${event.id}/comments`, { text: 'what a show', clientId: 'e1' });
    await api(server.url, alice, 'POST', `/v1/events/${event.id}/end`, {});
    const home = await openPage(browser, `${server.url}/`);
    const p = await openPage(browser, `${server.url}/e/${event.id}`);
    try {
      const row = home.page.locator('#past .event-row', { hasText: 'Yesterday’s show' });
      await row.waitFor();
      assert.equal(await home.page.locator('#events .event-row', { hasText: 'Yesterday’s show' }).count(), 0);
      await p.page.locator('#comments .text', { hasText: 'what a show' }).waitFor();
      await p.page.locator('#status', { hasText: 'Ended' }).waitFor();
      await p.page.locator('#conn', { hasText: 'Ended' }).waitFor();
      assert.equal(await p.page.locator('#join').isVisible(), false, 'no Join on an ended event');
      assert.equal(/Live/.test((await p.page.locator('#conn').textContent()) ?? ''), false);
      await shot(home.page, 'home-past-events');
      await shot(p.page, 'ended-event');
    } finally {
      await home.context.close();
      await p.context.close();
    }
  });

  test('phone width, dark mode, copy link and focus after starting an event', async () => {
    const event = await createEvent(server.url, alice, 'On the phone');
    const phone = { width: 390, height: 800 };
    const home = await openPage(browser, `${server.url}/`, undefined, phone);
    const gate = await openPage(browser, `${server.url}/e/${event.id}/mod`, undefined, phone);
    try {
      await home.page.locator('#events .event-row').first().waitFor();
      const sideways = await home.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sideways <= 0, `the home page scrolls ${sideways} px sideways`);
      await gate.page.locator('#gate').waitFor();
      const gateWidth = await gate.page.locator('#gate').evaluate((el) => el.getBoundingClientRect().right);
      assert.ok(gateWidth <= 390, `the sign-in reaches ${gateWidth} px`);
      assert.equal(await gate.page.locator('main:not([hidden])').count(), 1, 'the sign-in is the main landmark');

      // Dark: follows the system, and the toggle wins.
      await home.page.emulateMedia({ colorScheme: 'dark' });
      const background = () => home.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.equal(await background(), 'rgb(15, 16, 32)');
      await home.page.click('#theme');
      assert.equal(await background(), 'rgb(245, 246, 250)');
      await home.page.click('#theme');
      assert.equal(await background(), 'rgb(15, 16, 32)');

      // Starting an event lands the keyboard in the post box.
      await home.page.fill('#name', 'Erin');
      await home.page.fill('#title', 'Pocket show');
      await home.page.click('#start button[type=submit]');
      await home.page.waitForURL(/\/e\/[^/]+$/);
      await home.page.locator('#compose').waitFor();
      await home.page.waitForFunction(() => document.activeElement?.id === 'text');
      const sidewaysEvent = await home.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(sidewaysEvent <= 0, `the event page scrolls ${sidewaysEvent} px sideways`);

      await home.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await home.page.click('#share');
      await home.page.locator('#share-said', { hasText: 'Link copied' }).waitFor();
      const copied = await home.page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, home.page.url());
      assert.deepEqual([...home.errors, ...gate.errors], []);
    } finally {
      await home.context.close();
      await gate.context.close();
    }
  });

  test('console: AutoMod levels, blocked-terms matching and the team classifier are set and read back', async () => {
    const event = await createEvent(server.url, alice, 'AutoMod settings');
    const mod = await openPage(browser, `${server.url}/e/${event.id}/mod`, alice, { width: 1360, height: 1100 });
    const dir = '/tmp/shots/automod';
    mkdirSync(dir, { recursive: true });
    const stored = async () =>
      (await api<{ settings: Record<string, any> }>(server.url, alice, 'GET', `/v1/events/${event.id}`)).settings;
    try {
      await mod.page.locator('#console').waitFor();
      await mod.page.locator('#conn[data-state="live"]').waitFor();
      // The defaults: every category at medium, whole words only, the classifier on (fail-open).
      assert.equal(await mod.page.inputValue('#automod-spam'), 'medium');
      assert.equal(await mod.page.isChecked('#terms-glued'), false);
      assert.equal(await mod.page.inputValue('#hook-mode'), 'fail-open');
      await mod.page.locator('#automod').screenshot({ path: `${dir}/defaults.png` });

      await mod.page.selectOption('#automod-spam', 'high');
      await mod.page.locator('#toast', { hasText: 'Spam and scams: high' }).waitFor();
      await mod.page.selectOption('#automod-discrimination', 'off');
      await mod.page.locator('#toast', { hasText: 'Discrimination: off' }).waitFor();
      await mod.page.click('#terms-glued');
      await mod.page.locator('#toast', { hasText: 'Blocked-terms matching saved' }).waitFor();
      await mod.page.click('#terms-reversed');
      await mod.page.selectOption('#hook-mode', 'fail-closed');
      await mod.page.locator('#toast', { hasText: 'Team classifier: On: hold for review' }).waitFor();
      await mod.page.screenshot({ path: `${dir}/console-set.png`, fullPage: true });

      // The two blocked-terms saves show the same toast: wait for the second to be stored.
      let settings = await stored();
      for (let i = 0; i < 50 && settings.blockedTermsMatch?.reversed !== true; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        settings = await stored();
      }
      assert.deepEqual(settings.automod, { spam: 'high', discrimination: 'off' });
      assert.deepEqual(settings.blockedTermsMatch, { glued: true, reversed: true });
      assert.equal(settings.moderationHook, 'fail-closed');

      // A change from elsewhere reaches the open console; a reload shows the stored values.
      await api(server.url, alice, 'PATCH', `/v1/events/${event.id}`, { settings: { automod: { sexual: 'low' } } });
      await mod.page.waitForFunction(
        () => (document.querySelector('#automod-sexual') as HTMLSelectElement).value === 'low',
      );
      await mod.page.reload();
      await mod.page.locator('#conn[data-state="live"]').waitFor();
      await mod.page.waitForFunction(
        () => (document.querySelector('#hook-mode') as HTMLSelectElement).value === 'fail-closed',
      );
      assert.equal(await mod.page.inputValue('#automod-spam'), 'high');
      assert.equal(await mod.page.inputValue('#automod-discrimination'), 'off');
      assert.equal(await mod.page.inputValue('#automod-sexual'), 'low');
      assert.equal(await mod.page.inputValue('#automod-hostility'), 'medium');
      assert.equal(await mod.page.isChecked('#terms-glued'), true);
      assert.equal(await mod.page.isChecked('#terms-reversed'), true);
      await mod.page.locator('#automod').screenshot({ path: `${dir}/after-reload.png` });
      assert.deepEqual(mod.errors, []);
      console.log(
        `screenshots: ${readdirSync(dir)
          .map((f) => `${dir}/${f}`)
          .join(' ')}`,
      );
    } finally {
      await mod.context.close();
    }
  });
});

/** Posts `perSecond` comments a second as `bot` until stopped. */
function startBurst(
  baseUrl: string,
  bot: TestUser,
  path: string,
  perSecond: number,
): { stop(): Promise<void>; sent(): number } {
  let n = 0;
  let running = true;
  const started = Date.now();
  const loop = (async () => {
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
      while (n < due && running) {
        n++;
        await api(baseUrl, bot, 'POST', path, { text: `burst ${n}`, clientId: `burst-${n}` }).catch(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    sent: () => n,
    async stop() {
      running = false;
      await loop;
    },
  };
}
