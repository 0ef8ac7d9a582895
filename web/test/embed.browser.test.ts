// The embeddable widget in Chromium, on host pages served from other origins than the node's:
// a site that the event allows (it loads, chats both ways, survives a restart of the node) and
// one it does not (the frame, the API and the WebSocket are all refused).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '@livecomments/server/testing';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { api, createEvent, launchBrowser, signUp, type TestServer, type TestUser } from './harness.js';

/** Where the widget's screenshots go. */
const SHOTS = '/tmp/shots/embed';

/** A site owner's page: the one-line script, the element, and a token from the site's own backend. */
function hostPage(node: string, eventId: string, theme: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Riverside Radio</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #eef1f5; color: #1b1f29; }
  header { background: #0f3d5e; color: #fff; padding: 14px 24px; font-weight: 700; font-size: 20px; }
  main { display: grid; grid-template-columns: 1fr 360px; gap: 20px; padding: 20px 24px; }
  .player { background: #11161f; color: #9fb3c8; border-radius: 12px; height: 420px; display: grid; place-items: center; }
  body.dark { background: #0c0f14; color: #dde3ea; }
</style></head>
<body class="${theme === 'dark' ? 'dark' : ''}">
<header>Riverside Radio · Live from the harbour</header>
<main>
  <div class="player">The stream plays here</div>
  <live-comments event="${eventId}" token-provider="getChatToken" theme="${theme}" height="420px"></live-comments>
</main>
<script>
  // The site's own backend mints the token for its signed-in user.
  window.getChatToken = () => fetch('/chat-token').then((r) => (r.ok ? r.text() : null));
</script>
<script src="${node}/embed.js" async></script>
</body></html>`;
}

/** A host site on its own origin (127.0.0.2, its own port): the page and its token endpoint. */
async function startHost(page: () => string, token: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/chat-token') {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(token());
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { origin: `http://127.0.0.2:${(server.address() as AddressInfo).port}`, server };
}

/** What a page's own script gets when it calls the node directly: fetch and WebSocket. */
async function directAccess(page: Page, node: string, eventId: string): Promise<{ fetch: string; ws: string }> {
  return page.evaluate(
    async ({ node, eventId }) => {
      const fetched = await fetch(`${node}/v1/events/${eventId}/comments`).then(
        (r) => `status ${r.status}`,
        () => 'refused',
      );
      const ws = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`${node.replace('http', 'ws')}/v1/events/${eventId}/ws`);
        socket.onopen = () => {
          socket.close();
          resolve('open');
        };
        socket.onerror = () => resolve('refused');
      });
      return { fetch: fetched, ws };
    },
    { node, eventId },
  );
}

describe('the embeddable widget on other origins', () => {
  let node: TestServer;
  let browser: Browser;
  let owner: TestUser;
  let carol: TestUser;
  let bob: TestUser;
  let allowed: { origin: string; server: Server };
  let foreign: { origin: string; server: Server };
  let eventId = '';
  let theme = 'light';

  before(async () => {
    node = await startTestServer({ presenceMs: 500 });
    browser = await launchBrowser();
    [owner, carol, bob] = await Promise.all([
      signUp(node.url, 'Owner'),
      signUp(node.url, 'Carol'),
      signUp(node.url, 'Bob'),
    ]);
    allowed = await startHost(
      () => hostPage(node.url, eventId, theme),
      () => carol.token,
    );
    foreign = await startHost(
      () => hostPage(node.url, eventId, 'light'),
      () => carol.token,
    );
    const event = await createEvent(node.url, owner, 'Harbour sessions', {
      embed: { allowedOrigins: [allowed.origin] },
    });
    eventId = event.id;
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    allowed?.server.close();
    foreign?.server.close();
    await node?.close();
  });

  test('an allowed site: the widget loads, the host hands a token, chat goes both ways and survives a restart', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 560 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    try {
      await page.goto(`${allowed.origin}/`);
      const chat: FrameLocator = page.frameLocator('live-comments iframe');
      await chat.locator('#conn[data-state="live"]').waitFor();
      await chat.locator('#title', { hasText: 'Harbour sessions' }).waitFor();
      // Carol is signed in on the host site: the widget got her token from the page, not a URL.
      await chat.locator('#compose').waitFor();
      await chat.locator('#as', { hasText: 'Carol' }).waitFor();

      await chat.locator('#text').fill('Hello from the harbour!');
      await chat.locator('#text').press('Enter');
      await chat.locator('#comments li.comment:not(.pending) .text', { hasText: 'Hello from the harbour!' }).waitFor();
      const listed = await api<{ items: { type: string; comment?: { text: string; user: { name: string } } }[] }>(
        node.url,
        bob,
        'GET',
        `/v1/events/${eventId}/comments?after=0`,
      );
      assert.ok(
        listed.items.some((e) => e.comment?.text === 'Hello from the harbour!' && e.comment.user.name === 'Carol'),
        'posted as Carol, the host site’s user',
      );
      await api(node.url, bob, 'POST', `/v1/events/${eventId}/comments`, { text: 'Bob here, on the app' });
      await chat.locator('#comments .text', { hasText: 'Bob here, on the app' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'widget-light.png') });

      // The node restarts: the widget reconnects and chats on.
      await node.stop();
      await chat.locator('#conn:not([data-state="live"])').waitFor();
      await node.start();
      await chat.locator('#conn[data-state="live"]').waitFor({ timeout: 20_000 });
      await api(node.url, bob, 'POST', `/v1/events/${eventId}/comments`, { text: 'Back after the restart' });
      await chat.locator('#comments .text', { hasText: 'Back after the restart' }).waitFor();
      await chat.locator('#text').fill('Still here');
      await chat.locator('#text').press('Enter');
      await chat.locator('#comments li.comment:not(.pending) .text', { hasText: 'Still here' }).waitFor();
      const texts = await chat.locator('#comments li.comment:not(.pending):not(.held) .text').allTextContents();
      assert.deepEqual(
        texts.filter((t) => t !== ''),
        ['Hello from the harbour!', 'Bob here, on the app', 'Back after the restart', 'Still here'],
        'every comment once, in order',
      );

      // The host page switches the widget to dark.
      await page.evaluate(() => {
        document.body.classList.add('dark');
        document.querySelector('live-comments')?.setAttribute('theme', 'dark');
      });
      await chat.locator('html[data-theme="dark"]').waitFor();
      await page.screenshot({ path: join(SHOTS, 'widget-dark.png') });

      // Straight from the site's own script, the allowed origin may call the API and connect.
      assert.deepEqual(await directAccess(page, node.url, eventId), { fetch: 'status 200', ws: 'open' });
      assert.ok(!urls.some((u) => u.includes(carol.token)), 'the token is in no URL the browser requested');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the dark theme from the element’s attribute', async () => {
    theme = 'dark';
    const context = await browser.newContext({ viewport: { width: 1100, height: 560 } });
    const page = await context.newPage();
    try {
      await page.goto(`${allowed.origin}/`);
      const chat = page.frameLocator('live-comments iframe');
      await chat.locator('html[data-theme="dark"] #conn[data-state="live"]').waitFor();
      await chat.locator('#comments .text', { hasText: 'Still here' }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'widget-dark-attribute.png') });
    } finally {
      theme = 'light';
      await context.close();
    }
  });

  test('a site the event does not allow: the frame, the API and the WebSocket are refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 560 } });
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (m) => console.push(m.text()));
    try {
      await page.goto(`${foreign.origin}/`);
      // The browser refuses to render the frame (frame-ancestors) and says so.
      const deadline = Date.now() + 10_000;
      while (!console.some((m) => m.includes('frame-ancestors')) && Date.now() < deadline) {
        await page.waitForTimeout(50);
      }
      assert.ok(
        console.some((m) => m.includes('frame-ancestors')),
        `no frame-ancestors refusal: ${console.join(' | ')}`,
      );
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame, 'the element made its frame');
      assert.equal(await frame.locator('#comments').count(), 0, 'the chat did not render in it');
      assert.deepEqual(await directAccess(page, node.url, eventId), { fetch: 'refused', ws: 'refused' });
      await page.screenshot({ path: join(SHOTS, 'widget-refused.png') });
    } finally {
      await context.close();
    }
  });
});
