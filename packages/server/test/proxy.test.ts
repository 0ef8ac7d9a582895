// The connect and post proxies against an app backend this test starts (proxy-receiver.ts): the
// user a cookie or header names, refusals, the failure policies (late, failing, garbled, down),
// the cache and shared calls, only allowed headers and cookies forwarded, every transport, the
// figures on /metrics, and that nothing a client sent reaches the log.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { SILENT_OBSERVER } from '../src/proxy/call.js';
import { ConnectProxy, MISS_BURST } from '../src/proxy/connect.js';
import {
  gate,
  ProxyReceiver,
  type ProxyReply,
  type ProxyRequest,
  type ProxyReceiver as Receiver,
} from './proxy-receiver.js';
import { api, createEvent, devToken, startNode, type TestNode, type TestUser, WsViewer, waitFor } from './support.js';

const SECRET = 'a-proxy-signing-secret-of-32-characters!';
/**
 * The nodes' proxy budget, and how late the slow answers come. Generous: a loaded machine (and
 * the first fetch of a process) must not turn a prompt answer into a timeout.
 */
const BUDGET_MS = 2_000;
const SLOW_MS = 4_000;

/** Users the app knows, by session (cookie `sid` or header `x-app-session`). */
const USERS: Record<string, unknown> = {
  'alice-session': {
    id: 'app-alice',
    name: 'Alice',
    avatarUrl: 'https://cdn.example.com/a.png',
    badges: ['member', 'verified', 'owner'],
    followedAt: 1_700_000_000_000,
  },
  'mod-session': { id: 'app-mod', name: 'Mo', role: 'moderator' },
};

/** The app: sessions as above, `user:<id>` for anyone, and sessions that refuse, stall or fail. */
function appHandler(held: { promise: Promise<void> }): (r: ProxyRequest) => ProxyReply {
  return function answer(r) {
    if (r.path === '/post') return postAnswer(r.body.text);
    if (typeof r.body.token === 'string') return { json: { allow: true, user: { id: 'opaque-user', name: 'Opaque' } } };
    const sid: string | undefined = r.body.cookies.sid ?? r.body.headers['x-app-session'];
    if (sid === undefined) return { json: { allow: true, user: null } };
    if (sid === 'suspended') return { json: { allow: false, reason: 'Your account is suspended' } };
    if (sid.startsWith('slow')) return { delayMs: SLOW_MS, json: { allow: true, user: null } };
    if (sid.startsWith('broken')) return { status: 500 };
    if (sid.startsWith('garbled')) return { text: '{"allow": tru' };
    if (sid.startsWith('gate'))
      return { hold: held.promise, json: { allow: true, user: { id: 'app-gate', name: 'Gate' } } };
    if (sid.startsWith('user:')) return { json: { allow: true, user: { id: sid.slice(5), name: sid.slice(5) } } };
    return { json: { allow: true, user: USERS[sid] ?? null } };
  };
}

function postAnswer(text: string): ProxyReply {
  if (text.includes('nope')) return { json: { allow: false, reason: 'No links to other streams, please' } };
  if (text.includes('slowpost')) return { delayMs: SLOW_MS, json: { allow: true } };
  if (text.includes('brokenpost')) return { status: 502 };
  return { json: { allow: true } };
}

/** The value of one sample of /metrics, 0 when absent. */
async function metric(base: string, sample: string): Promise<number> {
  const res = await fetch(`${base}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/** A node whose every log line (trace and up) is kept in `lines`. */
async function nodeWithLog(lines: string[], overrides: Parameters<typeof startNode>[0]): Promise<TestNode> {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return startNode(overrides, { logger });
}

function withCookie(cookie: string, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie, ...extra };
}

/** A WebSocket handshake's outcome: open (then closed by the test) or the refused status. */
function wsStatus(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe('connect and post proxies', () => {
  let receiver: Receiver;
  let held = gate();
  const logs: string[] = [];
  let node: TestNode;
  let base: string;
  let owner: TestUser;
  let eventId: string;

  before(async () => {
    receiver = await ProxyReceiver.start(SECRET);
    receiver.handler = (r) => appHandler(held)(r);
    node = await nodeWithLog(logs, {
      proxyConnectUrl: `${receiver.base}/connect`,
      proxyPostUrl: `${receiver.base}/post`,
      proxyTimeoutMs: BUDGET_MS,
      proxyHeaders: ['x-app-session'],
      proxyCookies: ['sid'],
      proxySecret: SECRET,
    });
    base = node.url;
    owner = await devToken(base, 'owner');
    eventId = await createEvent(base, owner.token);
  });
  after(async () => {
    held.open();
    await node.stop();
    await receiver.down();
  });

  const connects = () => receiver.on('/connect');
  const comment = (text: string, headers: Record<string, string>) =>
    api(base, 'POST', `/v1/events/${eventId}/comments`, { body: { text }, headers });

  test('a cookie names the user; only the allowed cookies and headers reach the app, signed', async () => {
    const before = connects().length;
    const res = await comment('hello from the app', {
      cookie: 'theme=dark; sid=alice-session; tracking=t-123',
      'x-app-session': 'hdr-1',
      'x-other-secret': 'never-sent',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.comment.user, {
      id: 'app-alice',
      name: 'Alice',
      badges: ['member', 'verified'],
      avatarUrl: 'https://cdn.example.com/a.png',
    });
    const sent = connects().slice(before);
    assert.equal(sent.length, 1);
    const { body, raw, signed } = sent[0]!;
    assert.deepEqual(body, {
      eventId,
      transport: 'http',
      ip: '127.0.0.1',
      headers: { 'x-app-session': 'hdr-1' },
      cookies: { sid: 'alice-session' },
    });
    for (const leak of ['tracking', 't-123', 'theme', 'never-sent']) assert.ok(!raw.includes(leak), leak);
    assert.ok(signed, 'the request carries a valid signature');

    const posted = receiver.on('/post').at(-1)!;
    assert.deepEqual(posted.body, {
      eventId,
      user: { id: 'app-alice', name: 'Alice', role: 'viewer', badges: ['member', 'verified'] },
      text: 'hello from the app',
    });
    assert.ok(posted.signed);
    // The log carries the user as the comment shows them, avatar included.
    const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0`);
    const entry = page.body.items.find((e: any) => e.comment?.id === res.body.comment.id);
    assert.equal(entry.comment.user.avatarUrl, 'https://cdn.example.com/a.png');
  });

  test('without credentials the app names nobody: reading works, posting is 401', async () => {
    const res = await comment('who am I', {});
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
    const poll = await api(base, 'GET', `/v1/events/${eventId}/poll?after=0&timeoutMs=0`);
    assert.equal(poll.status, 200);
  });

  test("a refusal is 403 forbidden with the app's reason, on every transport", async () => {
    const headers = withCookie('sid=suspended');
    const post = await comment('let me in', headers);
    assert.equal(post.status, 403);
    assert.equal(post.body.error.code, 'forbidden');
    assert.equal(post.body.error.reason, 'Your account is suspended');
    const sse = await api(base, 'GET', `/v1/events/${eventId}/stream`, { headers });
    assert.equal(sse.status, 403);
    assert.equal(sse.body.error.reason, 'Your account is suspended');
    const poll = await api(base, 'GET', `/v1/events/${eventId}/poll?timeoutMs=0`, { headers });
    assert.equal(poll.status, 403);
    assert.equal(await wsStatus(`${base.replace('http', 'ws')}/v1/events/${eventId}/ws`, headers), 403);
  });

  test("a page on another origin cannot make the node present its visitors' cookies to the app", async () => {
    const before = connects().length;
    const evil = { cookie: 'sid=user:ws-victim', origin: 'https://evil.example' };
    assert.equal(await wsStatus(`${base.replace('http', 'ws')}/v1/events/${eventId}/ws`, evil), 403);
    const sse = await api(base, 'GET', `/v1/events/${eventId}/stream`, { headers: evil });
    assert.equal(sse.status, 403);
    assert.equal(connects().length, before, 'the app was not asked');
  });

  test('a form posted from another site with the cookie is refused before the app is asked', async () => {
    const before = connects().length;
    const forged = await fetch(`${base}/v1/events/${eventId}/end`, {
      method: 'POST',
      headers: { cookie: 'sid=user:csrf-victim', origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: 'x=1',
    });
    assert.equal(forged.status, 403);
    assert.equal(((await forged.json()) as any).error.code, 'forbidden');
    assert.equal(connects().length, before, 'the app was not asked');
    assert.ok(!connects().some((r) => r.body.cookies.sid === 'user:csrf-victim'));
    const own = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      body: { text: 'from the page itself' },
      headers: { cookie: 'sid=alice-session', origin: base },
    });
    assert.equal(own.status, 201, "the node's own origin is fine");
    const event = await api(base, 'GET', `/v1/events/${eventId}`);
    assert.equal(event.body.status, 'live');
  });

  test('every transport asks with its name and event, and carries the user', async () => {
    const ws = await WsViewer.open(base, eventId, '', withCookie('sid=user:ws-user'));
    ws.send({ type: 'comment', text: 'over the socket', clientId: 'w1' });
    const ack = await ws.next((f) => f.type === 'ack' && f.clientId === 'w1');
    assert.equal(ack.comment.user.id, 'ws-user');
    ws.send({ type: 'comment', text: 'nope, a link', clientId: 'w2' });
    const refused = await ws.next((f) => f.type === 'error' && f.clientId === 'w2');
    assert.equal(refused.error.code, 'forbidden');
    assert.equal(refused.error.reason, 'No links to other streams, please');
    await ws.close();

    const sse = await fetch(`${base}/v1/events/${eventId}/stream`, { headers: withCookie('sid=user:sse-user') });
    assert.equal(sse.status, 200);
    await sse.body?.cancel();
    const poll = await api(base, 'GET', `/v1/events/${eventId}/poll?after=0&timeoutMs=0`, {
      headers: withCookie('sid=user:poll-user'),
    });
    assert.equal(poll.status, 200);
    const seen = (sid: string) => connects().find((r) => r.body.cookies.sid === sid)?.body;
    assert.equal(seen('user:ws-user').transport, 'ws');
    assert.equal(seen('user:sse-user').transport, 'sse');
    assert.equal(seen('user:poll-user').transport, 'poll');
    for (const sid of ['user:ws-user', 'user:sse-user', 'user:poll-user']) assert.equal(seen(sid).eventId, eventId);
  });

  test('a privileged role is read as viewer unless LC_PROXY_ROLES allows it', async () => {
    const review = await api(base, 'GET', `/v1/events/${eventId}/review`, { headers: withCookie('sid=mod-session') });
    assert.equal(review.status, 403);
    const posted = await comment('I am staff, honest', withCookie('sid=mod-session'));
    assert.equal(posted.status, 201);
    assert.equal(posted.body.comment.user.badges, undefined, 'no staff badge');
  });

  test('answers are kept: a second request with the same cookie does not call the app', async () => {
    const hits = await metric(base, 'lc_proxy_cache_lookups_total{result="hit"}');
    assert.equal((await comment('one', withCookie('sid=user:cachy'))).status, 201);
    assert.equal((await comment('two', withCookie('sid=user:cachy'))).status, 201);
    const sse = await fetch(`${base}/v1/events/${eventId}/stream`, { headers: withCookie('sid=user:cachy') });
    assert.equal(sse.status, 200);
    await sse.body?.cancel();
    assert.equal(connects().filter((r) => r.body.cookies.sid === 'user:cachy').length, 1);
    assert.equal(await metric(base, 'lc_proxy_cache_lookups_total{result="hit"}'), hits + 2);
  });

  test('concurrent look-ups of the same user share one call', async () => {
    // A node of its own with a long budget: the app holds its answer until every look-up is in.
    const patient = await startNode({
      proxyConnectUrl: `${receiver.base}/connect`,
      proxyTimeoutMs: 10_000,
      proxyCookies: ['sid'],
    });
    try {
      held = gate();
      const at = patient.url;
      const event = await createEvent(at, (await devToken(at, 'host')).token);
      const posts = Array.from({ length: 5 }, (_, i) =>
        api(at, 'POST', `/v1/events/${event}/comments`, {
          body: { text: `together ${i}` },
          headers: withCookie('sid=gate-1'),
        }),
      );
      // The first look-up made the call; the four others joined it (five: the burst of posts one user may make).
      await waitFor(
        async () => (await metric(at, 'lc_proxy_cache_lookups_total{result="shared"}')) === 4,
        'four shared look-ups',
      );
      held.open();
      const answers = await Promise.all(posts);
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(5).fill(201),
      );
      assert.ok(answers.every((a) => a.body.comment.user.id === 'app-gate'));
      assert.equal(connects().filter((r) => r.body.cookies.sid === 'gate-1').length, 1);
      assert.equal(await metric(at, 'lc_proxy_cache_lookups_total{result="miss"}'), 1);
    } finally {
      await patient.stop();
    }
  });

  test('late, failing and garbled answers fail closed with proxy_unavailable, and are not kept', async () => {
    const timeouts = await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="timeout"}');
    const failures = await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="error"}');
    for (const sid of ['slow-1', 'broken-1', 'garbled-1']) {
      const res = await comment('anyone there?', withCookie(`sid=${sid}`));
      assert.equal(res.status, 503, sid);
      assert.equal(res.body.error.code, 'proxy_unavailable', sid);
    }
    const sse = await api(base, 'GET', `/v1/events/${eventId}/stream`, { headers: withCookie('sid=broken-1') });
    assert.equal(sse.status, 503);
    assert.equal(sse.body.error.code, 'proxy_unavailable');
    assert.equal(connects().filter((r) => r.body.cookies.sid === 'broken-1').length, 2, 'failures are not kept');
    assert.equal(await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="timeout"}'), timeouts + 1);
    assert.equal(await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="error"}'), failures + 3);
  });

  test('with the app down, connections and posts are refused with proxy_unavailable', async () => {
    await receiver.down();
    try {
      const res = await comment('hello?', withCookie('sid=user:while-down'));
      assert.equal(res.status, 503);
      assert.equal(res.body.error.code, 'proxy_unavailable');
      const ws = await wsStatus(
        `${base.replace('http', 'ws')}/v1/events/${eventId}/ws`,
        withCookie('sid=user:ws-down'),
      );
      assert.equal(ws, 503);
      // A token skips the connect proxy, but its post still waits on the app's say.
      const tokenPost = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
        token: owner.token,
        body: { text: 'from the owner' },
      });
      assert.equal(tokenPost.status, 503);
      assert.equal(tokenPost.body.error.code, 'proxy_unavailable');
    } finally {
      await receiver.up();
    }
  });

  test('a token goes the JWT way and never to the connect proxy; its post still asks the app', async () => {
    const before = connects().length;
    const res = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: owner.token,
      body: { text: 'mine' },
    });
    assert.equal(res.status, 201);
    assert.equal(connects().length, before);
    assert.equal(receiver.on('/post').at(-1)!.body.user.id, owner.id);
  });

  test('the post proxy refuses with a reason, answers late or fails: nothing is published', async () => {
    const headers = withCookie('sid=user:poster');
    const refused = await comment('nope: watch my stream', headers);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.reason, 'No links to other streams, please');
    for (const text of ['slowpost here', 'brokenpost here']) {
      const res = await comment(text, headers);
      assert.equal(res.status, 503, text);
      assert.equal(res.body.error.code, 'proxy_unavailable');
    }
    const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=0&limit=1000`);
    const texts = page.body.items.map((e: any) => e.comment?.text);
    for (const text of ['nope: watch my stream', 'slowpost here', 'brokenpost here']) assert.ok(!texts.includes(text));
    const log = await api(base, 'GET', `/v1/events/${eventId}/moderation-log`, { token: owner.token });
    assert.ok(!JSON.stringify(log.body).includes('watch my stream'), 'a refused post leaves no moderation trace');
    // Trusted publishers are not asked.
    const service = await devToken(base, 'bot', 'service');
    const asked = receiver.on('/post').length;
    const bot = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: service.token,
      body: { text: 'nope' },
    });
    assert.equal(bot.status, 201);
    assert.equal(receiver.on('/post').length, asked);
  });

  test('an unknown event is not_found without asking the app', async () => {
    const before = connects().length;
    const res = await api(base, 'POST', '/v1/events/ev_nothing_here/comments', {
      body: { text: 'hi' },
      headers: withCookie('sid=user:lost'),
    });
    assert.equal(res.status, 404);
    assert.equal(connects().length, before);
  });

  test('/metrics has the call times and outcomes of both proxies', async () => {
    assert.ok((await metric(base, 'lc_proxy_seconds_count{proxy="connect"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_seconds_count{proxy="post"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="allow"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="deny"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_calls_total{proxy="connect",outcome="anonymous"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_calls_total{proxy="post",outcome="deny"}')) > 0);
    assert.ok((await metric(base, 'lc_proxy_calls_total{proxy="post",outcome="timeout"}')) > 0);
  });

  test('nothing a client sent (cookies, headers, tokens) reaches the log', () => {
    const text = logs.join('');
    assert.match(text, /the connect proxy failed/, 'failures were logged');
    for (const secret of ['alice-session', 'hdr-1', 'suspended', 'slow-1', 'broken-1', 'ws-down', owner.token]) {
      assert.ok(!text.includes(secret), `the log holds ${secret}`);
    }
  });
});

describe('connect proxy: always asked, failing open, with privileged roles allowed', () => {
  let receiver: Receiver;
  const logs: string[] = [];
  let node: TestNode;
  let base: string;
  let eventId: string;

  before(async () => {
    receiver = await ProxyReceiver.start();
    receiver.handler = appHandler(gate());
    node = await nodeWithLog(logs, {
      proxyConnectUrl: `${receiver.base}/connect`,
      proxyPostUrl: `${receiver.base}/post`,
      proxyTimeoutMs: BUDGET_MS,
      proxyCookies: ['sid'],
      proxyConnectAlways: true,
      proxyRoles: ['moderator'],
      proxyConnectFail: 'open',
      proxyPostFail: 'open',
    });
    base = node.url;
    const created = await api(base, 'POST', '/v1/events', {
      headers: withCookie('sid=user:app-owner'),
      body: { title: 'Run by the app' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.ownerId, 'app-owner');
    eventId = created.body.id;
  });
  after(async () => {
    await node.stop();
    await receiver.down();
  });

  test('a token goes to the app (header or ?token=) and is not checked as a JWT', async () => {
    const res = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      token: 'opaque-session-123',
      body: { text: 'with my own session' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.comment.user.id, 'opaque-user');
    assert.equal(receiver.on('/connect').at(-1)!.body.token, 'opaque-session-123');
    const ws = await wsStatus(`${base.replace('http', 'ws')}/v1/events/${eventId}/ws?token=opaque-session-456`, {});
    assert.equal(ws, 'open');
    const sent = receiver.on('/connect').find((r) => r.body.token === 'opaque-session-456');
    assert.equal(sent?.body.transport, 'ws');
  });

  test('a moderator role is granted when LC_PROXY_ROLES names it', async () => {
    const review = await api(base, 'GET', `/v1/events/${eventId}/review`, { headers: withCookie('sid=mod-session') });
    assert.equal(review.status, 200);
  });

  test('failing open: a late connect answer reads as nobody, a late post answer lets the post through', async () => {
    const sse = await fetch(`${base}/v1/events/${eventId}/stream`, { headers: withCookie('sid=slow-open') });
    assert.equal(sse.status, 200);
    await sse.body?.cancel();
    const post = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      headers: withCookie('sid=broken-open'),
      body: { text: 'hi' },
    });
    assert.equal(post.status, 401, 'nobody posts');
    const late = await api(base, 'POST', `/v1/events/${eventId}/comments`, {
      headers: withCookie('sid=user:patient'),
      body: { text: 'slowpost but fine' },
    });
    assert.equal(late.status, 201);
  });

  test('no token reaches the log', () => {
    const text = logs.join('');
    assert.match(text, /the (connect|post) proxy failed/);
    for (const secret of ['opaque-session-123', 'opaque-session-456', 'slow-open', 'broken-open']) {
      assert.ok(!text.includes(secret), `the log holds ${secret}`);
    }
  });
});

describe('connect proxy: the calls one address may cause', () => {
  test('a burst of made-up credentials, then rate_limited until the budget refills; kept answers cost nothing', async () => {
    const receiver = await ProxyReceiver.start();
    receiver.handler = appHandler(gate());
    const clock = { now: 1_000_000 };
    const proxy = new ConnectProxy({
      url: `${receiver.base}/connect`,
      timeoutMs: 5_000,
      cacheMs: 60_000,
      cacheSize: 1_000,
      headers: [],
      cookies: ['sid'],
      always: false,
      roles: [],
      failOpen: false,
      observer: SILENT_OBSERVER,
      now: () => clock.now,
    });
    const identify = (sid: string, ip = '198.51.100.7') =>
      proxy.identify({ headers: { cookie: `sid=${sid}` } } as IncomingMessage, null, {
        transport: 'sse',
        eventId: null,
        ip,
      });
    try {
      for (let i = 0; i < MISS_BURST; i++) assert.equal((await identify(`user:u${i}`))?.id, `u${i}`);
      await assert.rejects(
        identify('user:one-more'),
        (e: any) => e.code === 'rate_limited' && e.details.retryAfterMs === 100,
      );
      assert.equal((await identify('user:u0'))?.id, 'u0', 'a kept answer is still served');
      assert.equal((await identify('user:elsewhere', '203.0.113.9'))?.id, 'elsewhere', 'another address has its own');
      clock.now += 100;
      assert.equal((await identify('user:one-more'))?.id, 'one-more', 'a tenth of a second later, one more');
      assert.equal(receiver.on('/connect').length, MISS_BURST + 2);
    } finally {
      await receiver.down();
    }
  });
});
