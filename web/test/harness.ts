// Browser test harness: a real server in-process (restartable on the same port and data folder),
// Debian's Chromium driven by playwright-core, a proxy that can refuse WebSocket and SSE, and
// screenshots in test-results/.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LiveEvent, UserRef } from '@livecomments/protocol';
import { startTestServer, type TestServer } from '@livecomments/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where screenshots go (gitignored). */
export const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));

export type { TestServer } from '@livecomments/server/testing';

/** Starts a node on a free port with a fresh data folder. */
export function startServer(): Promise<TestServer> {
  return startTestServer({ presenceMs: 500 });
}

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH; .ci/run installs it`,
    );
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A signed-in user: what the pages keep in localStorage. */
export interface TestUser {
  token: string;
  user: UserRef;
}

/** A development token for `name`. */
export async function signUp(baseUrl: string, name: string, role = 'viewer'): Promise<TestUser> {
  const res = await fetch(`${baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  return (await res.json()) as TestUser;
}

/** Calls the REST API as `user`. */
export async function api<T>(
  baseUrl: string,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Creates an event owned by `owner`. */
export function createEvent(baseUrl: string, owner: TestUser, title: string, settings = {}): Promise<LiveEvent> {
  return api<LiveEvent>(baseUrl, owner, 'POST', '/v1/events', { title, settings });
}

/**
 * A page in its own browser context (own localStorage), signed in as `who` when given. Page
 * errors and dialogs are collected: a test can assert that nothing unexpected ran.
 */
export async function openPage(
  browser: Browser,
  url: string,
  who?: TestUser,
  viewport = { width: 1280, height: 760 },
): Promise<{ page: Page; context: BrowserContext; errors: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport });
  if (who) {
    await context.addInitScript(
      (identity) => {
        if (!localStorage.getItem('lc.identity')) localStorage.setItem('lc.identity', JSON.stringify(identity));
      },
      { ...who, role: 'viewer' },
    );
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  return { page, context, errors, dialogs };
}

/** Saves a screenshot as test-results/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

/** A screenshot taker for one feature: files go to /tmp/shots/<feature>/ and each is listed. */
export function shotsIn(feature: string): (page: Page, name: string) => Promise<void> {
  const dir = join('/tmp/shots', feature);
  return async function featureShot(page: Page, name: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path });
    process.stdout.write(`# screenshot ${path}\n`);
  };
}

/** What a browser suite holds once its `before` has run. */
export interface BrowserSuite<K extends string> {
  server: TestServer;
  browser: Browser;
  users: Record<K, TestUser>;
}

/**
 * A node, Chromium and users signed up in order (key -> name, or [name, role]) for the calling
 * describe block, closed after it; read the fields inside tests, once `before` has filled them.
 */
export function browserSuite<K extends string>(people: Record<K, string | [string, string]>): BrowserSuite<K> {
  const suite = { users: {} } as BrowserSuite<K>;
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
    for (const [key, who] of Object.entries(people) as [K, string | [string, string]][]) {
      const [name, role] = typeof who === 'string' ? [who, undefined] : who;
      suite.users[key] = await signUp(suite.server.url, name, role);
    }
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** Texts of the published comments on a page, top to bottom. */
export function commentTexts(page: Page): Promise<string[]> {
  return page.locator('#comments li.comment:not(.pending):not(.held) .text').allTextContents();
}

/** Sequence numbers of the published comments on a page, top to bottom. */
export async function commentSeqs(page: Page): Promise<number[]> {
  const seqs = await page
    .locator('#comments li.comment[data-seq]')
    .evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.seq)));
  return seqs;
}

/**
 * A reverse proxy in front of the server that can refuse WebSocket upgrades and/or SSE streams,
 * like a corporate proxy would.
 */
export async function startProxy(
  target: string,
  refuse: { ws?: boolean; sse?: boolean },
): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    if (refuse.sse && req.url?.includes('/stream')) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('event streams are blocked by this proxy');
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
  server.on('upgrade', (req, socket) => {
    if (refuse.ws) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.destroy();
    void req;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
