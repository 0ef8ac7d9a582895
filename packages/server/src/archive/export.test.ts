// The export's lines: CSV cells a spreadsheet cannot run, and pages read from a real SQLite
// store only as the lines are consumed (an export of a large event is never built in memory).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppendItem } from '../engines/store.js';
import { SqliteStore } from '../engines/store.sqlite.js';
import { csvCell, EXPORT_PAGE, exportLines } from './export.js';

test('csv cells: formulas get an apostrophe, quotes are doubled, commas and line breaks quoted', () => {
  assert.equal(csvCell('plain text'), 'plain text');
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('-1'), "'-1");
  assert.equal(csvCell('@cmd'), "'@cmd");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('a = b'), 'a = b', 'only a leading sign is a formula');
  assert.equal(csvCell(42), '42');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
});

test('an export reads the store page by page as its lines are consumed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lc-export-'));
  const store = new SqliteStore(join(dir, 'test.db'), { writer: 'inline' });
  try {
    await store.migrate();
    const eventId = 'big';
    await store.createEvent({
      id: eventId,
      title: 'big',
      status: 'live',
      ownerId: 'o',
      createdAt: 1,
      lastSeq: 0,
      settings: {
        slowModeMs: 0,
        maxCommentChars: 500,
        uniqueChat: false,
        blockedTerms: [],
        linksAllowed: true,
        rateLimitPerMinute: 30,
        moderation: { spamBlock: 0.95, spamHold: 0.8, toxicityBlock: 0.95, toxicityHold: 0.8, shadow: false },
      },
    });
    const total = EXPORT_PAGE * 3 + 7;
    const items: AppendItem[] = [];
    for (let i = 0; i < total; i++) {
      const id = `c${String(i).padStart(6, '0')}`;
      items.push({
        eventId,
        entry: {
          type: 'comment',
          comment: { id, eventId, seq: 0, user: { id: 'u', name: 'u' }, text: `n ${i}`, createdAt: i },
        },
      });
    }
    await store.append(items);
    let pages = 0;
    const counting = {
      exportPage(e: string, after: string, limit: number) {
        pages++;
        return store.exportPage(e, after, limit);
      },
    };
    const lines = exportLines(counting, eventId, 'csv', false);
    assert.equal((await lines.next()).value, 'id,seq,createdAt,userId,userName,parentId,text\r\n');
    assert.equal(pages, 0, 'the header needs no read');
    const firstChunk = (await lines.next()).value as string;
    assert.equal(pages, 1, 'one page read for the first chunk');
    assert.equal(firstChunk.split('\r\n').length - 1, EXPORT_PAGE);
    let rows = EXPORT_PAGE;
    for await (const chunk of lines) rows += chunk.split('\r\n').length - 1;
    assert.equal(rows, total);
    assert.equal(pages, 4, 'each page once');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
