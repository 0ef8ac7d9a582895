// Layout under long names: the moderator's buttons beside a 64-character name leave the name
// readable and nothing spills out of the row, at desktop and phone width.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, browserSuite, createEvent, openPage } from './harness.js';

const LONG_NAME = 'Bartholomew Maximilian Featherstonehaugh-Cholmondeley the Third!!';

describe('long names in the console', () => {
  const suite = browserSuite({ owner: 'Sue', long: LONG_NAME.slice(0, 64) });

  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 760 }],
    ['phone', { width: 390, height: 800 }],
  ] as const) {
    test(`${size}: a long name beside the moderator's buttons stays readable and inside its row`, async () => {
      const { server, browser, users } = suite;
      const event = await createEvent(server.url, users.owner, `Long names ${size}`);
      await api(server.url, users.long, 'POST', `/v1/events/${event.id}/comments`, {
        text: 'hello from a very long name',
        clientId: `long-${size}`,
      });
      const p = await openPage(browser, `${server.url}/e/${event.id}/mod`, users.owner, viewport);
      try {
        const item = p.page.locator('#comments li.comment', { hasText: 'hello from a very long name' });
        await item.waitFor();
        await item.hover();
        const box = await item.evaluate((li) => {
          const rect = (sel: string) => li.querySelector(sel)?.getBoundingClientRect();
          const name = li.querySelector('.name') as HTMLElement;
          return {
            row: li.getBoundingClientRect(),
            name: rect('.name'),
            actions: rect('.actions'),
            title: name.title,
            metaOverflow:
              (li.querySelector('.meta') as HTMLElement).scrollWidth -
              (li.querySelector('.meta') as HTMLElement).clientWidth,
          };
        });
        assert.ok(box.name && box.actions, 'name and buttons are shown');
        assert.ok(box.name.width >= 50, `the name keeps a readable width (${box.name.width} px)`);
        assert.ok(
          box.actions.right <= box.row.right + 0.5,
          `the buttons end inside the row (${box.actions.right} > ${box.row.right})`,
        );
        assert.ok(box.metaOverflow <= 0, `the name line overflows by ${box.metaOverflow} px`);
        assert.equal(box.title, users.long.user.name, 'the full name is in the title');
      } finally {
        await p.context.close();
      }
    });
  }
});
