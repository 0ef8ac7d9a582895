// Webhooks survive a kill -9: comments committed by a node process that is killed before their
// webhooks went out reach the receiver after a restart, each at least once (SQLite and PostgreSQL).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { launch } from './child-node.js';
import { createTestSchema } from './services.js';
import { createEvent, devToken, post, range, tempDir, waitFor } from './support.js';
import { WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'a-webhook-secret-of-at-least-32-chars!';

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * Posts while the receiver fails (committed, attempted, not delivered), kills the node with
 * SIGKILL while more posts are under way, restarts it on the same store with the receiver
 * answering, and checks that every acknowledged comment's webhook arrives.
 */
async function killBetweenCommitAndDelivery(env: Record<string, string>): Promise<void> {
  const receiver = await WebhookReceiver.start(SECRET);
  const hooks = {
    LC_WEBHOOK_URL: receiver.url,
    LC_WEBHOOK_SECRET: SECRET,
    LC_WEBHOOK_POLL_MS: '20',
    LC_WEBHOOK_RETRY_MS: '50',
    LC_WEBHOOK_TIMEOUT_MS: '1000',
    ...env,
  };
  let node = await launch(hooks);
  try {
    const bot = await devToken(node.base, 'bot', 'service');
    const eventId = await createEvent(node.base, bot.token);
    // The first half while the receiver fails: committed, not delivered.
    receiver.status = 503;
    const failing = await Promise.all(range(1, 20).map((i) => post(node.base, bot.token, eventId, `f${i}`)));
    await waitFor(() => receiver.received.length > 0, 'a failed attempt');
    // The second half while attempts are under way; killed once one of them is acknowledged.
    const racing = range(1, 20).map((i) => post(node.base, bot.token, eventId, `r${i}`).catch(() => null));
    await Promise.any(racing.map((a) => a.then((r) => (r?.status === 201 ? r : Promise.reject()))));
    await killHard(node.child);
    const acked = [...failing, ...(await Promise.all(racing))]
      .filter((a) => a?.status === 201)
      .map((a) => a!.body.comment.text as string);
    assert.ok(acked.length > 20, 'the failing half and part of the racing half were acknowledged');
    const seenBefore = new Set(receiver.delivered.map((r) => r.id));
    assert.equal(seenBefore.size, 0, 'nothing was delivered before the kill');
    receiver.status = 200;
    node = await launch(hooks);
    const texts = () =>
      new Set(receiver.delivered.filter((r) => r.type === 'comment.published').map((r) => r.data.text));
    // A delivery the killed node had in hand waits for its lease (the timeout and 5 s) to run out.
    await waitFor(() => acked.every((t) => texts().has(t)), 'every acknowledged comment delivered', 20_000, 50);
    assert.ok(receiver.received.every((r) => r.signed));
  } finally {
    await killHard(node.child).catch(() => {});
    await receiver.down();
  }
}

describe('webhooks across a kill -9', () => {
  test('SQLite: every committed comment reaches the receiver after the restart', async () => {
    const dir = tempDir();
    try {
      await killBetweenCommitAndDelivery({ LC_DATA_DIR: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: every committed comment reaches the receiver after the restart', async () => {
    const schema = await createTestSchema('lc_hookkill');
    const dir = tempDir();
    try {
      await killBetweenCommitAndDelivery({ LC_DATA_DIR: dir, DATABASE_URL: schema.url });
    } finally {
      await schema.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
