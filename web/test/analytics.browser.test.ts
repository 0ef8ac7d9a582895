// The console's Analytics view in Chromium against a real server: after some chat, a hold, a
// block, a deletion and reactions, the numbers it shows are those of the log and the API; its
// charts are labelled SVG with a table behind them; it reads at desktop and phone width, light
// and dark. Screenshots go to /tmp/shots/analytics/ (their paths are printed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '@livecomments/server/testing';
import type { Browser, Page } from 'playwright-core';
import { api, createEvent, launchBrowser, openPage, shotsIn, signUp, type TestUser } from './harness.js';

const shot = shotsIn('analytics');
let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer({
    presenceMs: 200,
    analyticsFlushMs: 200,
    aggregateWindowMs: 50,
    reactionSaveMs: 200,
    userRatePerMinute: 0,
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The number a tile of totals shows. */
function total(page: Page, key: string): Promise<string | null> {
  return page.locator(`#analytics-view [data-total="${key}"]`).textContent();
}

test('the Analytics view shows the event’s numbers as charts and tables, at desktop and phone width', async () => {
  const [sue, ann, bob, cy] = await Promise.all(
    ['Streamer Sue', 'Ann', 'Bob', 'Cy'].map((name) => signUp(server.url, name)),
  );
  const event = await createEvent(server.url, sue!, 'Cup final', {
    rateLimitPerMinute: 0,
    linkPolicy: 'hold',
    blockedTerms: ['zzzap'],
  });
  const path = `/v1/events/${event.id}`;
  const say = (who: TestUser, text: string) =>
    fetch(`${server.url}${path}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
      body: JSON.stringify({ text }),
    });
  const ids: string[] = [];
  for (const [who, n] of [
    [ann!, 3],
    [bob!, 2],
    [cy!, 1],
  ] as const) {
    for (let k = 0; k < n; k++) {
      const res = await say(who, `${who.user.name} says ${k}`);
      assert.equal(res.status, 201);
      ids.push(((await res.json()) as { comment: { id: string } }).comment.id);
    }
  }
  assert.equal((await say(bob!, 'see https://example.org/x')).status, 202, 'held');
  assert.equal((await say(cy!, 'zzzap')).status, 422, 'blocked');
  await api(server.url, ann!, 'DELETE', `${path}/comments/${ids[0]}`);
  for (const who of [ann!, bob!]) {
    const res = await fetch(`${server.url}${path}/reactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
      body: JSON.stringify({ emoji: '🔥' }),
    });
    assert.equal(res.status, 202);
  }

  const { page, context, errors } = await openPage(browser, `${server.url}/e/${event.id}/mod#analytics`, sue);
  try {
    await page.locator('#analytics-view:not([hidden])').waitFor();
    assert.equal(await page.locator('#to-analytics').getAttribute('aria-current'), 'page');
    assert.ok(await page.locator('#moderate-view').isHidden(), 'the moderation view steps aside');
    // The console's own connection is a viewer; reactions reach the store within a save.
    await page.waitForFunction(
      () => {
        const get = (k: string) => document.querySelector(`#analytics-view [data-total="${k}"]`)?.textContent;
        return get('comments') === '6' && get('reactions') === '2' && Number(get('peakViewers')) >= 1;
      },
      undefined,
      { timeout: 20_000 },
    );
    const answer = await api<{ totals: Record<string, number> }>(server.url, sue!, 'GET', `${path}/analytics`);
    for (const [key, want] of [
      ['comments', 6],
      ['uniqueChatters', 3],
      ['held', 1],
      ['blocked', 1],
      ['deleted', 1],
      ['reactions', 2],
    ] as const) {
      assert.equal(await total(page, key), String(want), key);
      assert.equal(answer.totals[key], want, `API ${key}`);
    }
    // Top chatters: Ann first with her three comments.
    const first = page.locator('#a-top tbody tr').first();
    assert.equal(await first.locator('th').textContent(), 'Ann');
    assert.equal(await first.locator('td').textContent(), '3');
    assert.equal(await page.locator('#a-reasons tr[data-kind="deleted"] th').textContent(), 'author');
    // Each chart: an SVG image named by its title and described in words, a table behind it.
    const charts = page.locator('#a-charts svg[role="img"]');
    assert.equal(await charts.count(), 4);
    for (let i = 0; i < 4; i++) {
      const svg = charts.nth(i);
      const labelled = (await svg.getAttribute('aria-labelledby'))!.split(' ');
      assert.equal(labelled.length, 2);
      assert.ok(((await svg.locator('title').textContent()) ?? '').length > 0);
      assert.match((await svg.locator('desc').textContent()) ?? '', /minute/);
    }
    assert.match(
      (await page.locator('#a-comments-svg-desc').textContent()) ?? '',
      /Comments: 6 in all/,
      'the description says the total',
    );
    await page.locator('#a-comments summary').click();
    const rows = page.locator('#a-comments table tbody tr');
    const counted = await rows.evaluateAll((trs) =>
      trs.reduce((n, tr) => n + Number(tr.querySelector('td')?.textContent), 0),
    );
    assert.equal(counted, 6, 'the table holds the same comments as the chart');
    assert.ok((await page.locator('#a-comments path.chart-bars').getAttribute('d'))!.length > 0, 'bars drawn');
    await shot(page, 'desktop-light');

    await page.click('#theme');
    await page.locator('html[data-theme="dark"]').waitFor();
    await shot(page, 'desktop-dark');

    // Phone width: one column, charts redrawn to fit, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => {
      const svg = document.querySelector('#a-comments svg');
      return svg !== null && Number(svg.getAttribute('width')) <= 390;
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px over)`);
    const label = page.locator('#a-comments text.chart-label').first();
    const size = await label.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 11, 'axis labels drawn at their real size, not scaled down');
    assert.equal(await total(page, 'comments'), '6');
    await shot(page, 'phone-dark');
    await page.click('#theme');
    await page.locator('html[data-theme="light"]').waitFor();
    await page.locator('#a-charts').scrollIntoViewIfNeeded();
    await shot(page, 'phone-light');

    // Back to moderation.
    await page.click('#to-moderate');
    await page.locator('#moderate-view:not([hidden])').waitFor();
    assert.ok(await page.locator('#analytics-view').isHidden());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
