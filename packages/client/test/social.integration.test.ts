// The SDK's replies, reports, own deletions and event moderators against the real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, connect, LiveCommentsApi } from '../src/index.js';
import { createEvent, startServer, type TestServer, token, until } from './harness.js';

describe('client SDK: replies, reports, deleteOwn, moderators', () => {
  let server: TestServer;
  let owner: string;
  let viewer: string;

  before(async () => {
    server = await startServer();
    owner = await token(server.url, 'Olive');
    viewer = await token(server.url, 'Vera');
  });
  after(() => server.close());

  test('reply, thread, report, deleteOwn; the owner manages moderators', async () => {
    const event = await createEvent(server.url, owner);
    const client = connect(event.id, { baseUrl: server.url, token: viewer, transport: 'poll' });
    const ownerApi = new LiveCommentsApi({ baseUrl: server.url, token: owner });
    try {
      await client.ready();
      const parent = await ownerApi.postComment(event.id, { text: 'welcome all', clientId: 'p1' });
      assert.deepEqual(parent.comment.user.badges, ['owner']);
      const reply = await client.reply(parent.comment.id, 'thanks!');
      assert.equal(reply.status, 'published');
      const thread = await client.replies(parent.comment.id);
      assert.deepEqual(
        thread.map((c) => c.text),
        ['thanks!'],
      );
      assert.equal(await client.report(parent.comment.id, 'testing'), 'received');
      assert.equal(await client.report(parent.comment.id, 'testing'), 'already_reported');
      const queue = await ownerApi.reviewQueue(event.id);
      assert.equal(queue[0]?.status, 'reported');
      assert.equal(queue[0]?.reports?.count, 1);
      const deleted: string[] = [];
      client.on('delete', (id: string) => deleted.push(id));
      const own = thread[0]!;
      await client.deleteOwn(own.id);
      await until(() => deleted.includes(own.id), 5000, 'the delete entry');
      await assert.rejects(
        client.deleteOwn(parent.comment.id),
        (e: unknown) => e instanceof ApiError && e.status === 403,
      );

      const viewerApi = new LiveCommentsApi({ baseUrl: server.url, token: viewer });
      const veraId = JSON.parse(Buffer.from(viewer.split('.')[1]!, 'base64url').toString()).sub as string;
      const added = await ownerApi.addModerator(event.id, veraId, 'Vera');
      assert.equal(added.userId, veraId);
      assert.deepEqual(
        (await viewerApi.moderators(event.id)).map((m) => m.userId),
        [veraId],
      );
      await ownerApi.removeModerator(event.id, veraId);
      await assert.rejects(
        viewerApi.moderators(event.id),
        (e: unknown) => e instanceof ApiError && e.code === 'forbidden',
      );
    } finally {
      client.close();
    }
  });
});
