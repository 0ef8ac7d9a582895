// Runs the Store contract against SQLite, in a file of a fresh temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from './store.case.test.js';
import { SqliteStore } from './store.sqlite.js';

storeContract(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-store-'));
    const opened: SqliteStore[] = [];
    return {
      async open() {
        const store = new SqliteStore(join(dir, 'test.db'));
        opened.push(store);
        // Statements are prepared by migrate; the schema is already there after the first.
        await store.migrate();
        return store;
      },
      async destroy() {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { concurrentInstances: true },
);
