// The event's roles are read once for a burst of posts: posts arriving together, with nothing
// cached, share one store read instead of making one each. PostgreSQL, where a read takes a
// round trip (SQLite answers before the next request is even parsed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestSchema, type TestSchema } from './services.js';
import { createEvent, devToken, post, startNode, type TestNode } from './support.js';

let schema: TestSchema;
let node: TestNode;
before(async () => {
  schema = await createTestSchema('lc_roles');
  node = await startNode({ userRatePerMinute: 0, databaseUrl: schema.url });
});
after(async () => {
  await node?.stop();
  await schema?.drop();
});

test('a burst of posts on an event not yet cached reads its roles once', async () => {
  const owner = await devToken(node.url, 'owner');
  const users = await Promise.all(Array.from({ length: 10 }, (_, i) => devToken(node.url, `viewer ${i}`)));
  const eventId = await createEvent(node.url, owner.token, { rateLimitPerMinute: 0 });
  const store = node.services.store;
  const listRoles = store.listRoles.bind(store);
  let reads = 0;
  store.listRoles = (id: string) => {
    if (id === eventId) reads++;
    return listRoles(id);
  };
  try {
    const answers = await Promise.all(users.map((u, i) => post(node.url, u.token, eventId, `hello ${i}`)));
    assert.deepEqual(
      answers.map((a) => a.status),
      users.map(() => 201),
    );
    assert.equal(reads, 1, 'one read of the roles for the whole burst');
  } finally {
    store.listRoles = listRoles;
  }
});
