// Accessibility of every page at desktop and phone width, per colour scheme: axe-core (injected from
// the npm package, no network) must find no critical or serious violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { api, browserSuite, createEvent, openPage, type TestUser } from './harness.js';

// Evaluated through the debugging protocol, which the pages' Content-Security-Policy does not govern.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe on the page as it is now; the violations of impact serious or critical. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown }> } })
      .axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');
}

const widths = { desktop: { width: 1280, height: 760 }, phone: { width: 390, height: 800 } } as const;

/** The accessibility suite for one colour scheme (one file per scheme keeps each file short). */
export function a11ySuite(scheme: 'light' | 'dark'): void {
  describe(`accessibility (axe-core) of every page, ${scheme}`, () => {
    const suite = browserSuite({ owner: 'Sue', viewer: 'Vic' });

    /** An event with what a busy page shows: comments, a reply, a mention, a pin and an open poll. */
    async function busyEvent(owner: TestUser, viewer: TestUser): Promise<string> {
      const { url } = suite.server;
      const event = await createEvent(url, owner, 'Accessible final');
      const path = `/v1/events/${event.id}`;
      const first = await api<{ id: string }>(url, viewer, 'POST', `${path}/comments`, {
        text: 'What a start!',
        clientId: 'a11y-1',
      });
      await api(url, owner, 'POST', `${path}/comments`, { text: '@Vic thanks for coming', clientId: 'a11y-2' });
      await api(url, owner, 'POST', `${path}/comments`, {
        text: 'Glad you are here',
        clientId: 'a11y-3',
        parentId: first.id,
      });
      await api(url, owner, 'POST', `${path}/pin`, { text: 'Welcome! Be kind.' });
      await api(url, owner, 'POST', `${path}/polls`, {
        question: 'Who wins?',
        options: ['Red', 'Blue'],
        durationMs: 600_000,
      });
      return event.id;
    }

    for (const [size, viewport] of Object.entries(widths)) {
      test(`${size}: home, event, console, sign-in and embed have no serious violation`, async () => {
        const { server, browser, users } = suite;
        const eventId = await busyEvent(users.owner, users.viewer);
        const pages: [string, string, TestUser | undefined, string][] = [
          ['home', '/', undefined, '#events .event-row'],
          ['event (viewer)', `/e/${eventId}`, users.viewer, '#comments li.comment'],
          ['console (owner)', `/e/${eventId}/mod`, users.owner, '#console:not([hidden])'],
        ];
        if (size === 'desktop')
          pages.push(
            ['event (signed out)', `/e/${eventId}`, undefined, '#comments li.comment'],
            ['console sign-in', `/e/${eventId}/mod`, undefined, '#gate'],
            ['embed', `/embed/${eventId}`, undefined, '#comments li.comment'],
          );
        const found: string[] = [];
        for (const [name, path, who, ready] of pages) {
          const p = await openPage(browser, server.url + path, who, viewport);
          try {
            await p.page.emulateMedia({ colorScheme: scheme });
            await p.page.locator(ready).first().waitFor();
            const violations = await seriousViolations(p.page);
            if (violations.length > 0) found.push(`${name}:\n${describeViolations(violations)}`);
          } finally {
            await p.context.close();
          }
        }
        assert.equal(found.join('\n\n'), '', 'axe found serious or critical violations');
      });
    }
  });
}
