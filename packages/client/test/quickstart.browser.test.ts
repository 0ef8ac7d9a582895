// The README's browser quick start, as written, with the packed package's minified bundle, in
// Debian's Chromium: it connects, posts, and shows its own and others' comments.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { createEvent, postComment, startServer, type TestServer, token } from './harness.js';
import { type PackedApp, packAndInstall, readmeBlock } from './packed.js';

const CDN = 'https://unpkg.com/@livecomments/client/dist/pkg/livecomments.min.js';

/**
 * Serves the quick-start page and the packed bundle, and passes everything else (HTTP and
 * WebSocket upgrades) to the livecomments server: one origin, as the README asks.
 */
async function startSite(app: PackedApp, apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const page = readmeBlock(join(app.packageDir, 'README.md'), 'Quick start: browser', 'html');
  assert.ok(page.includes(CDN), 'the quick start loads the bundle from the CDN');
  const html = page.replace(CDN, '/livecomments.min.js');
  const bundle = readFileSync(join(app.packageDir, 'dist', 'pkg', 'livecomments.min.js'));
  const to = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/quickstart.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (path === '/livecomments.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = tcpConnect(Number(to.port), to.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('browser quick start', () => {
  let app: PackedApp;
  let server: TestServer;
  let site: { url: string; close(): Promise<void> };
  let browser: Browser;

  before(async () => {
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
    [app, server, browser] = await Promise.all([
      packAndInstall(),
      startServer(),
      chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] }),
    ]);
    site = await startSite(app, server.url);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
    app?.cleanup();
  });

  test('the page connects with the global bundle, posts, and shows comments live', async () => {
    const alice = await token(server.url, 'alice');
    const event = await createEvent(server.url, alice);
    await postComment(server.url, alice, event.id, 'from history');
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${site.url}/quickstart.html?event=${event.id}`);
      await page.locator('#status', { hasText: /^live$/ }).waitFor({ timeout: 10_000 });
      await page.locator('#comments li', { hasText: 'alice: from history' }).waitFor();
      await page.fill('#text', 'hello from the browser');
      await page.click('#form button');
      await page.locator('#comments li', { hasText: 'guest: hello from the browser' }).waitFor({ timeout: 10_000 });
      await postComment(server.url, alice, event.id, 'a reply from elsewhere');
      await page.locator('#comments li', { hasText: 'alice: a reply from elsewhere' }).waitFor({ timeout: 10_000 });
      const texts = await page.locator('#comments li').allTextContents();
      assert.deepEqual(texts, [
        'alice: from history',
        'guest: hello from the browser',
        'alice: a reply from elsewhere',
      ]);
      assert.equal(await page.evaluate(() => typeof (globalThis as { livecomments?: unknown }).livecomments), 'object');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
