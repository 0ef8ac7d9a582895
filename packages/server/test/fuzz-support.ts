// Shared parts of the fuzz suites: a node with users and events to aim at, tokens good and
// hostile, findings and how a failure is reported (with the seed, so the run can be replayed).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { FUZZ_SEED, nastyNumber, nastyObject, nastyString, nastyValue, type Rng } from './fuzz-input.js';
import { api, createEvent, devToken, post, startNode, type TestNode, type TestUser, WsViewer } from './support.js';

/** A case the server got wrong: where, what was sent, what came back. */
export interface Finding {
  route: string;
  input: string;
  answer: string;
}

/** Text cut to `n` characters for a report. */
export const clip = (text: string, n = 300) =>
  text.length > n ? `${text.slice(0, n)}... (${text.length} chars)` : text;

/** Fails with the seed and the first findings (all with LC_FUZZ_SHOW=1), so the run can be replayed. */
export function assertNone(findings: Finding[], what: string): void {
  if (findings.length === 0) return;
  const shown = findings
    .slice(0, process.env.LC_FUZZ_SHOW ? undefined : 8)
    .map((f) => `  ${f.route}\n    sent: ${f.input}\n    got:  ${f.answer}`)
    .join('\n');
  assert.fail(`${findings.length} ${what} (LC_FUZZ_SEED=${FUZZ_SEED}):\n${shown}`);
}

/** A node under fuzz, with its users and the events the cases aim at. */
export interface FuzzNode {
  node: TestNode;
  base: string;
  alice: TestUser;
  bob: TestUser;
  mod: TestUser;
  /** Comments are posted here: no rate limit, so posts reach moderation and the store. */
  target: string;
  /** Events the fuzz may patch, end and ban people from (created ones join). */
  spare: string[];
  /** Comment ids to aim at (published ones join). */
  commentIds: string[];
  /** The node's development secret, to sign tokens with hostile claims. */
  secret: Uint8Array;
}

/** Starts a node with alice (owner of every event), bob, a moderator, and five events. */
export async function startFuzzNode(): Promise<FuzzNode> {
  // Alice creates an event per blocked-terms case: no creation quota here (limits.test has it).
  const node = await startNode({ eventsPerHour: 0 });
  const base = node.url;
  const [alice, bob, mod] = await Promise.all([
    devToken(base, 'alice'),
    devToken(base, 'bob'),
    devToken(base, 'mia', 'moderator'),
  ]);
  const target = await createEvent(base, alice.token, { rateLimitPerMinute: 0 });
  const spare: string[] = [];
  for (let i = 0; i < 4; i++) spare.push(await createEvent(base, alice.token));
  const first = await post(base, alice.token, target, 'first comment');
  const secret = new TextEncoder().encode(readFileSync(join(node.dataDir, 'dev-secret'), 'utf8').trim());
  return { node, base, alice, bob, mod, target, spare, commentIds: [first.body.comment.id], secret };
}

/** A bearer token: a real one, none, garbage, or one signed with hostile claims. */
export async function someToken(rng: Rng, f: FuzzNode): Promise<string | undefined> {
  const r = rng.next();
  if (r < 0.45) return f.alice.token;
  if (r < 0.55) return f.bob.token;
  if (r < 0.65) return f.mod.token;
  if (r < 0.72) return undefined;
  if (r < 0.8) return rng.pick(['x', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `${f.alice.token}x`]);
  const claims = nastyObject(rng, 2);
  if (rng.chance(0.7)) claims.sub = rng.chance(0.5) ? `u_${rng.int(1e6)}` : nastyValue(rng, 1);
  if (rng.chance(0.7)) claims.name = rng.chance(0.7) ? nastyString(rng, 200) : nastyValue(rng, 1);
  if (rng.chance(0.5)) claims.role = rng.pick(['viewer', 'moderator', 'admin', 'service', 'root', 1, null]);
  try {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
    if (rng.chance(0.5)) jwt.setExpirationTime(rng.chance(0.8) ? '1h' : nastyNumber(rng));
    return await jwt.sign(f.secret);
  } catch {
    return undefined; // claims jose refuses to sign
  }
}

/** The node still answers /health. */
export async function assertHealthy(base: string): Promise<void> {
  const health = await api(base, 'GET', '/health');
  assert.equal(health.status, 200, 'the node answers /health');
}

/** A new user's post on a new event reaches a WebSocket viewer: the node still serves end to end. */
export async function assertServesAPost(base: string): Promise<void> {
  await assertHealthy(base);
  const carol = await devToken(base, 'carol');
  const eventId = await createEvent(base, carol.token);
  const viewer = await WsViewer.open(base, eventId, 'after=0');
  try {
    const res = await post(base, carol.token, eventId, 'still here after the fuzz');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await viewer.next(
      (frame) =>
        frame.type === 'entries' &&
        frame.items.some((e: { comment?: { text: string } }) => e.comment?.text === 'still here after the fuzz'),
    );
  } finally {
    await viewer.close();
  }
}
