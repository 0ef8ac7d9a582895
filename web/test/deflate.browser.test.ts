// permessage-deflate in Chromium (docs/API.md "Compression"): the viewer page's WebSocket
// negotiates it with the server's terms, shows a burst of comments that came compressed, and a
// comment the browser sends (Chromium compresses its frames too) is inflated and published.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, commentTexts, createEvent } from './harness.js';

describe('compressed WebSocket in Chromium', () => {
  const suite = browserSuite({ olive: 'Olive', bot: ['Match bot', 'service'] });

  test('the page negotiates permessage-deflate, reads compressed batches and sends compressed frames', async () => {
    const {
      server,
      browser,
      users: { olive, bot },
    } = suite;
    const event = await createEvent(server.url, olive, 'Derby night');
    const context = await browser.newContext();
    await context.addInitScript((identity) => localStorage.setItem('lc.identity', JSON.stringify(identity)), {
      ...olive,
      role: 'viewer',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The handshake as Chromium saw it, from the DevTools protocol.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const extensions: string[] = [];
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
      const headers = e.response.headers as Record<string, string>;
      const found = Object.entries(headers).find(([name]) => name.toLowerCase() === 'sec-websocket-extensions');
      extensions.push(found?.[1] ?? '');
    });
    try {
      await page.goto(`${server.url}/e/${event.id}`);
      await page.locator('#conn[data-state="live"]').waitFor();
      assert.equal(extensions.length, 1, 'one WebSocket');
      assert.match(extensions[0]!, /^permessage-deflate; server_no_context_takeover; client_no_context_takeover$/);

      // A burst in one batch: well past the size the server compresses from.
      const texts = Array.from({ length: 12 }, (_, i) => `chant ${i}: what a goal, no way, come on the reds!`);
      await Promise.all(
        texts.map((text) => api(server.url, bot, 'POST', `/v1/events/${event.id}/comments`, { text, clientId: text })),
      );
      await page.waitForFunction((n) => document.querySelectorAll('#comments li.comment').length === n, texts.length);
      assert.deepEqual((await commentTexts(page)).sort(), [...texts].sort());

      // The page's composer posts over HTTP: a WebSocket of the page's own sends a comment frame.
      const wsUrl = `${server.url.replace('http', 'ws')}/v1/events/${event.id}/ws?token=${olive.token}`;
      const answer = await page.evaluate(
        (url) =>
          new Promise<{ extensions: string; ack: { status: string; comment: { text: string } } }>((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.onerror = () => reject(new Error('WebSocket error'));
            ws.onopen = () =>
              ws.send(JSON.stringify({ type: 'comment', text: 'Sent compressed from the browser', clientId: 'b1' }));
            ws.onmessage = (m) => {
              const frame = JSON.parse(String(m.data));
              if (frame.type === 'ack') {
                resolve({ extensions: ws.extensions, ack: frame });
                ws.close();
              }
            };
          }),
        wsUrl,
      );
      assert.match(answer.extensions, /permessage-deflate/);
      assert.equal(answer.ack.status, 'published');
      assert.equal(answer.ack.comment.text, 'Sent compressed from the browser');
      await page.locator('#comments .text', { hasText: 'Sent compressed from the browser' }).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
