// Fuzz: seeded hostile input over every REST route, WebSocket messages and raw frames, and the
// text normaliser. Asserts no 5xx (no `unavailable` error frame, no 1011 close), no crash (the
// node answers /health throughout), and a normal post still reaches a viewer afterwards.
// Replay a failure with LC_FUZZ_SEED=<seed>; LC_FUZZ_CASES sets the budget (default 3,000).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { charCount, normaliseText } from '../src/ingest/normalise.js';
import {
  deepJson,
  FUZZ_CASES,
  FUZZ_SEED,
  invalidUtf8,
  mutateBody,
  NASTY_PIECES,
  nastyId,
  nastyNumber,
  nastyObject,
  nastyQuery,
  nastySettings,
  nastyString,
  nastyValue,
  Rng,
} from './fuzz-input.js';
import { encodeFrame, type RawFrame, rawExchange, upgradeRequest } from './fuzz-raw-ws.js';
import { api, createEvent, devToken, post, startNode, type TestNode, type TestUser, WsViewer } from './support.js';

/** A case the server got wrong: where, what was sent, what came back. */
interface Finding {
  route: string;
  input: string;
  answer: string;
}

/** Budget per part, from the total. */
const REST_CASES = Math.round(FUZZ_CASES * 0.5);
const WS_CASES = Math.round(FUZZ_CASES * 0.3);
const RAW_CASES = Math.round(FUZZ_CASES * 0.05);
const TEXT_CASES = FUZZ_CASES * 2;

const clip = (text: string, n = 300) => (text.length > n ? `${text.slice(0, n)}... (${text.length} chars)` : text);

/** Fails with the seed and the first findings, so the run can be replayed. */
function assertNone(findings: Finding[], what: string): void {
  if (findings.length === 0) return;
  const shown = findings
    .slice(0, process.env.LC_FUZZ_SHOW ? undefined : 8)
    .map((f) => `  ${f.route}\n    sent: ${f.input}\n    got:  ${f.answer}`)
    .join('\n');
  assert.fail(`${findings.length} ${what} (LC_FUZZ_SEED=${FUZZ_SEED}):\n${shown}`);
}

describe(`fuzz (LC_FUZZ_SEED=${FUZZ_SEED}, LC_FUZZ_CASES=${FUZZ_CASES})`, () => {
  describe('text normaliser', () => {
    const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]/u;

    /** Hostile texts for the normaliser; the same seed gives the same list. */
    function texts(seed: number): string[] {
      const rng = new Rng(seed);
      return [...NASTY_PIECES, ...Array.from({ length: TEXT_CASES }, () => nastyString(rng, 400))];
    }

    test('output is well-formed, one line, trimmed, without controls or direction overrides', () => {
      const findings: Finding[] = [];
      for (const input of texts(FUZZ_SEED)) {
        const out = normaliseText(input);
        const problems = [
          !out.isWellFormed() && 'not well-formed UTF-16',
          FORBIDDEN.test(out) && `keeps U+${out.codePointAt(out.search(FORBIDDEN))!.toString(16)}`,
          out !== out.trim() && 'not trimmed',
          // NFC may expand (U+0344, U+FB2C: up to three code points), never more.
          charCount(out) > 3 * charCount(input) && 'grew past three code points per input code point',
        ].filter(Boolean);
        if (problems.length > 0) {
          findings.push({ route: 'normaliseText', input: JSON.stringify(input), answer: problems.join(', ') });
        }
      }
      assertNone(findings, 'normaliser failures');
    });

    // Finding: normaliseText runs NFC before it removes invisibles, so "e\u200b\u0301" comes out
    // as "e\u0301" (not NFC) and a second pass gives "\u00e9": stored text is not always NFC.
    test('is idempotent (its output is NFC)', { todo: 'finding: NFC runs before invisibles are removed' }, () => {
      const findings: Finding[] = [];
      for (const input of texts(FUZZ_SEED)) {
        const once = normaliseText(input);
        if (normaliseText(once) !== once || once.normalize('NFC') !== once) {
          findings.push({ route: 'normaliseText', input: JSON.stringify(input), answer: JSON.stringify(once) });
        }
      }
      assertNone(findings, 'non-idempotent outputs');
    });

    // Finding: blank-rendering characters survive, so a comment of only U+3164 (or tag
    // characters, U+2800, U+061C) is not "empty" and is published as an invisible comment.
    test('a text of blank-rendering characters alone is empty', { todo: 'finding: fillers survive' }, () => {
      const blanks = ['\u3164', '\u115f\u1160', '\uffa0', '\u2800', '\u{e0041}\u{e007f}', '\u061c', '\u2060', '\u180e'];
      const kept = blanks.filter((b) => normaliseText(` ${b} `) !== '');
      assert.deepEqual(kept, []);
    });
  });

  describe('over a real node', () => {
    let node: TestNode;
    let base: string;
    let alice: TestUser;
    let bob: TestUser;
    let mod: TestUser;
    /** Comments are posted here: no rate limit, so posts reach moderation and the store. */
    let target: string;
    /** Events the fuzz may patch, end and ban people from. */
    const spare: string[] = [];
    const commentIds: string[] = [];
    let secret: Uint8Array;

    before(async () => {
      node = await startNode();
      base = node.url;
      [alice, bob, mod] = await Promise.all([
        devToken(base, 'alice'),
        devToken(base, 'bob'),
        devToken(base, 'mia', 'moderator'),
      ]);
      target = await createEvent(base, alice.token, { rateLimitPerMinute: 0 });
      for (let i = 0; i < 4; i++) spare.push(await createEvent(base, alice.token));
      const first = await post(base, alice.token, target, 'first comment');
      commentIds.push(first.body.comment.id);
      secret = new TextEncoder().encode(readFileSync(join(node.dataDir, 'dev-secret'), 'utf8').trim());
    });
    after(() => node?.stop());

    /** A bearer token: a real one, none, garbage, or one signed with hostile claims. */
    async function someToken(rng: Rng): Promise<string | undefined> {
      const r = rng.next();
      if (r < 0.45) return alice.token;
      if (r < 0.55) return bob.token;
      if (r < 0.65) return mod.token;
      if (r < 0.72) return undefined;
      if (r < 0.8) return rng.pick(['x', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', `${alice.token}x`]);
      const claims = nastyObject(rng, 2);
      if (rng.chance(0.7)) claims.sub = rng.chance(0.5) ? `u_${rng.int(1e6)}` : nastyValue(rng, 1);
      if (rng.chance(0.7)) claims.name = rng.chance(0.7) ? nastyString(rng, 200) : nastyValue(rng, 1);
      if (rng.chance(0.5)) claims.role = rng.pick(['viewer', 'moderator', 'admin', 'service', 'root', 1, null]);
      try {
        const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
        if (rng.chance(0.5)) jwt.setExpirationTime(rng.chance(0.8) ? '1h' : nastyNumber(rng));
        return await jwt.sign(secret);
      } catch {
        return undefined; // claims jose refuses to sign
      }
    }

    /** One REST request to a route picked at random, with hostile parts. */
    interface RestCase {
      route: string;
      method: string;
      path: string;
      token?: string | undefined;
      body?: unknown;
      raw?: string | Buffer;
      headers?: Record<string, string>;
    }

    async function restCase(rng: Rng): Promise<RestCase> {
      const token = await someToken(rng);
      const ev = () => nastyId(rng, [...spare, target]);
      const cid = () => nastyId(rng, commentIds);
      const body = (valid: Record<string, () => unknown>) => mutateBody(rng, valid);
      const seq = () => String(rng.int(60));
      const limit = () => String(rng.int(300));
      const cases: (() => RestCase)[] = [
        () => ({
          route: 'POST /v1/dev/tokens',
          method: 'POST',
          path: '/v1/dev/tokens',
          body: body({ name: () => nastyString(rng, 70), role: () => rng.pick(['viewer', 'moderator', 'x']) }),
        }),
        () => ({
          route: 'POST /v1/events',
          method: 'POST',
          path: '/v1/events',
          token,
          body: body({ title: () => nastyString(rng, 210), settings: () => nastySettings(rng) }),
        }),
        () => ({
          route: 'PATCH /v1/events/:id',
          method: 'PATCH',
          path: `/v1/events/${nastyId(rng, spare)}`,
          token,
          body: body({ title: () => nastyString(rng, 210), settings: () => nastySettings(rng) }),
        }),
        () => ({
          route: 'GET /v1/events',
          method: 'GET',
          path: `/v1/events${nastyQuery(rng, { status: () => rng.pick(['live', 'ended']), limit })}`,
        }),
        () => ({ route: 'GET /v1/events/:id', method: 'GET', path: `/v1/events/${ev()}` }),
        () => ({
          route: 'POST /v1/events/:id/end',
          method: 'POST',
          path: `/v1/events/${nastyId(rng, spare)}/end`,
          token,
        }),
        () => ({
          route: 'POST comments',
          method: 'POST',
          path: `/v1/events/${rng.chance(0.85) ? target : ev()}/comments`,
          token,
          body: body({
            text: () => nastyString(rng, 600),
            clientId: () => nastyString(rng, 130),
            parentId: () => rng.pick(commentIds),
          }),
          ...(rng.chance(0.1) ? { headers: { 'idempotency-key': `k${rng.int(50)}` } } : {}),
        }),
        () => ({
          route: 'GET comments',
          method: 'GET',
          path: `/v1/events/${ev()}/comments${nastyQuery(rng, { after: seq, before: seq, limit })}`,
        }),
        () => ({ route: 'DELETE comment', method: 'DELETE', path: `/v1/events/${ev()}/comments/${cid()}`, token }),
        () => ({
          route: 'GET review',
          method: 'GET',
          path: `/v1/events/${ev()}/review${nastyQuery(rng, { limit })}`,
          token,
        }),
        () => ({
          route: 'POST review',
          method: 'POST',
          path: `/v1/events/${ev()}/review/${cid()}`,
          token,
          body: body({ action: () => rng.pick(['approve', 'reject']), reason: () => nastyString(rng, 600) }),
        }),
        () => ({
          route: 'POST bans',
          method: 'POST',
          path: `/v1/events/${nastyId(rng, spare)}/bans`,
          token,
          body: body({
            userId: () => (rng.chance(0.5) ? bob.id : nastyString(rng, 210)),
            durationMs: () => nastyNumber(rng),
            reason: () => nastyString(rng, 600),
          }),
        }),
        () => ({
          route: 'DELETE ban',
          method: 'DELETE',
          path: `/v1/events/${nastyId(rng, spare)}/bans/${nastyId(rng, [bob.id, alice.id])}`,
          token,
        }),
        () => ({ route: 'GET bans', method: 'GET', path: `/v1/events/${ev()}/bans`, token }),
        () => ({
          route: 'GET moderation-log',
          method: 'GET',
          path: `/v1/events/${ev()}/moderation-log${nastyQuery(rng, { limit })}`,
          token,
        }),
        () => ({
          // A short timeout: the fuzz probes the answers, not the hold.
          route: 'GET poll',
          method: 'GET',
          path: `/v1/events/${ev()}/poll${nastyQuery(rng, { after: seq, token: () => bob.token }) || '?'}&timeoutMs=${rng.int(20)}`,
        }),
        () => ({
          route: 'raw body',
          method: rng.pick(['POST', 'PATCH']),
          path: rng.pick([`/v1/events/${target}/comments`, '/v1/events', `/v1/events/${spare[0]}`, '/v1/dev/tokens']),
          token,
          raw: rng.pick<() => string | Buffer>([
            () => invalidUtf8(rng),
            () => JSON.stringify(nastyValue(rng, 3)).slice(0, rng.int(200)),
            () => JSON.stringify(nastyValue(rng, 3)),
            () => `{"text":"${'x'.repeat(16 * 1024 + rng.int(100))}"}`,
            () => `{"title":"t","settings":{"x":"${'y'.repeat(64 * 1024)}"}}`,
            () => '{"text":"a","text":"b"}',
            () => '{"title":"dup","title":1}',
            () => '\ufeff{"text":"bom"}',
          ])(),
          headers: {
            'content-type': rng.pick([
              'application/json',
              'application/json; charset=latin1',
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/json;;',
              'multipart/form-data; boundary=x',
            ]),
          },
        }),
        () => ({
          route: 'bad Authorization',
          method: 'POST',
          ...rng.pick([
            { path: `/v1/events/${target}/comments`, body: { text: 'hi' } },
            { path: `/v1/events/${spare[0]}/bans`, body: { userId: bob.id } },
            { path: '/v1/events', body: { title: 'hi' } },
          ]),
          headers: {
            authorization: rng.pick([
              'Bearer',
              'Bearer ',
              'Bearer a b',
              'Basic YTpi',
              'bearer\t',
              `Bearer ${'a'.repeat(8000)}`,
            ]),
          },
        }),
      ];
      return rng.pick(cases)();
    }

    /** Answers per route and status, shown as a diagnostic so a run's depth can be seen. */
    const seen = new Map<string, number>();

    async function runRest(rng: Rng, n: number, findings: Finding[]): Promise<void> {
      let i = 0;
      async function worker(): Promise<void> {
        while (i < n) {
          i++;
          const c = await restCase(rng);
          let answer: string | null = null;
          try {
            const res = await api(base, c.method, c.path, {
              ...(c.token ? { token: c.token } : {}),
              ...(c.raw !== undefined ? { raw: c.raw } : c.body !== undefined ? { body: c.body } : {}),
              ...(c.headers ? { headers: c.headers } : {}),
            });
            const key = `${c.route} ${res.status}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
            if (res.status >= 500) answer = `${res.status} ${JSON.stringify(res.body)}`;
            if (res.status === 201 && c.route === 'POST comments') commentIds.push(res.body.comment.id);
            if (res.status === 201 && c.route === 'POST /v1/events') spare.push(res.body.id);
          } catch (error) {
            answer = `no answer: ${String((error as Error).cause ?? error)}`;
          }
          if (answer) {
            const sent = c.raw !== undefined ? String(c.raw) : JSON.stringify(c.body ?? null);
            findings.push({ route: `${c.route}: ${c.method} ${clip(c.path, 120)}`, input: clip(sent), answer });
          }
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()]);
    }

    async function assertHealthy(): Promise<void> {
      const health = await api(base, 'GET', '/health');
      assert.equal(health.status, 200, 'the node answers /health');
    }

    test(`REST bodies, queries and ids: no 5xx (${REST_CASES} cases)`, async (t) => {
      const rng = new Rng(FUZZ_SEED);
      const findings: Finding[] = [];
      for (let done = 0; done < REST_CASES; done += 250) {
        await runRest(rng, Math.min(250, REST_CASES - done), findings);
        await assertHealthy();
      }
      t.diagnostic(
        [...seen]
          .sort()
          .map(([k, n]) => `${k}: ${n}`)
          .join('; '),
      );
      assertNone(findings, 'REST answers of 500 or more');
    });

    test('SSE streams with hostile resume points: no 5xx', async () => {
      const rng = new Rng(FUZZ_SEED + 1);
      const findings: Finding[] = [];
      for (let i = 0; i < 60; i++) {
        const path = `/v1/events/${nastyId(rng, [target])}/stream${nastyQuery(rng, { after: () => String(rng.int(60)), token: () => alice.token })}`;
        const headers: Record<string, string> = {};
        if (rng.chance(0.3)) headers['last-event-id'] = rng.pick(['-1', '1e3', '999999999999999999', 'x', '0']);
        const abort = new AbortController();
        try {
          const res = await fetch(base + path, { headers, signal: abort.signal });
          if (res.status >= 500) findings.push({ route: 'GET stream', input: path, answer: String(res.status) });
        } catch (error) {
          findings.push({ route: 'GET stream', input: path, answer: `no answer: ${String(error)}` });
        } finally {
          abort.abort();
        }
      }
      await assertHealthy();
      assertNone(findings, 'SSE answers of 500 or more');
    });

    /** A client frame: comments good and bad, pings, non-objects, invalid JSON, binary. */
    function wsFrame(rng: Rng): { data: string | Buffer; binary: boolean } {
      const r = rng.next();
      const text = (v: unknown) => ({ data: JSON.stringify(v), binary: false });
      if (r < 0.55) {
        const frame = mutateBody(rng, {
          text: () => nastyString(rng, 500),
          clientId: () => nastyString(rng, 130),
          parentId: () => rng.pick(commentIds),
        });
        return text({ type: 'comment', ...frame });
      }
      if (r < 0.62) return text({ type: 'ping' });
      if (r < 0.72) return text(nastyValue(rng, 3));
      if (r < 0.8) return text({ type: nastyValue(rng, 1), text: 'hi' });
      if (r < 0.9) return { data: nastyString(rng, 300).toWellFormed(), binary: false };
      return { data: Buffer.from(nastyString(rng, 100).toWellFormed()), binary: true };
    }

    test(`WebSocket messages: every frame answered, never "unavailable" (${WS_CASES} frames)`, async () => {
      const rng = new Rng(FUZZ_SEED + 2);
      const findings: Finding[] = [];
      const url = `${base.replace('http', 'ws')}/v1/events/${target}/ws`;
      let sent = 0;
      while (sent < WS_CASES) {
        const token = rng.chance(0.8) ? alice.token : await someToken(rng);
        const ws = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url);
        const answers: { type: string; error?: { code: string } }[] = [];
        let closeCode: number | null = null;
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data));
          if (frame.type === 'ack' || frame.type === 'error' || frame.type === 'pong') answers.push(frame);
        });
        ws.on('close', (code) => {
          closeCode = code;
        });
        ws.on('error', () => {});
        const opened = await new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true));
          ws.once('unexpected-response', (_req, res) => {
            if ((res.statusCode ?? 0) >= 500) {
              findings.push({ route: 'WS upgrade', input: clip(token ?? ''), answer: String(res.statusCode) });
            }
            resolve(false);
          });
          ws.once('error', () => resolve(false));
        });
        sent++;
        if (!opened) continue;
        // Within the per-connection burst (40), so every frame is read rather than rate limited.
        const frames = Array.from({ length: 30 }, () => wsFrame(rng));
        for (const f of frames) ws.send(f.data, { binary: f.binary });
        sent += frames.length;
        const deadline = Date.now() + 10_000;
        while (answers.length < frames.length && closeCode === null && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
        }
        const sample = clip(frames.map((f) => String(f.data)).join(' | '), 600);
        if (answers.length < frames.length && closeCode === null) {
          findings.push({ route: 'WS frames', input: sample, answer: `${answers.length}/${frames.length} answered` });
        }
        for (const a of answers) {
          if (a.type === 'error' && a.error?.code === 'unavailable') {
            findings.push({ route: 'WS frames', input: sample, answer: JSON.stringify(a) });
          }
        }
        if (closeCode === 1011) findings.push({ route: 'WS frames', input: sample, answer: 'closed 1011' });
        ws.terminate();
      }
      await assertHealthy();
      assertNone(findings, 'WebSocket failures');
    });

    /** Raw frames a client library will not send, with what a correct server does. */
    function rawCase(rng: Rng): {
      name: string;
      frames: RawFrame[];
      expect: (close: number | null, texts: string[]) => boolean;
    } {
      const ping = Buffer.from('{"type":"ping"}');
      const closes =
        (...codes: number[]) =>
        (close: number | null) =>
          close !== null && codes.includes(close);
      const cases = [
        () => ({
          name: 'invalid UTF-8 text',
          frames: [{ opcode: 1, payload: invalidUtf8(rng) }],
          expect: closes(1007),
        }),
        () => ({ name: 'unmasked', frames: [{ opcode: 1, payload: ping, masked: false }], expect: closes(1002) }),
        () => ({
          name: 'reserved opcode',
          frames: [{ opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) }],
          expect: closes(1002),
        }),
        () => ({ name: 'RSV bits', frames: [{ opcode: 1, rsv: 1 + rng.int(7), payload: ping }], expect: closes(1002) }),
        () => ({ name: 'lone continuation', frames: [{ opcode: 0, payload: ping }], expect: closes(1002) }),
        () => ({
          name: 'fragmented ping with a ping control frame between',
          frames: [
            { opcode: 1, fin: false, payload: ping.subarray(0, 5) },
            { opcode: 9, payload: Buffer.from('hi') },
            { opcode: 0, fin: false, payload: ping.subarray(5, 9) },
            { opcode: 0, payload: ping.subarray(9) },
          ],
          expect: (_c: number | null, texts: string[]) => texts.some((t) => t.includes('"pong"')),
        }),
        () => ({
          name: 'new message inside a fragmented one',
          frames: [
            { opcode: 1, fin: false, payload: ping.subarray(0, 5) },
            { opcode: 1, payload: ping },
          ],
          expect: closes(1002),
        }),
        () => ({
          name: 'control frame over 125 bytes',
          frames: [{ opcode: 9, payload: Buffer.alloc(126) }],
          expect: closes(1002),
        }),
        () => ({ name: 'fragmented control frame', frames: [{ opcode: 9, fin: false }], expect: closes(1002) }),
        () => ({
          name: 'length past the limit',
          frames: [
            { opcode: rng.pick([1, 2]), length: rng.pick([4097n, 70_000n, 2n ** 62n]), payload: Buffer.alloc(8) },
          ],
          expect: closes(1009, 1002),
        }),
        () => ({
          name: 'fragments adding up past the limit',
          frames: [
            { opcode: 1, fin: false, payload: Buffer.alloc(3000, 0x20) },
            { opcode: 0, payload: Buffer.alloc(3000, 0x20) },
          ],
          expect: closes(1009),
        }),
        () => ({
          name: 'close with an invalid code',
          frames: [
            { opcode: 8, payload: Buffer.from([(rng.pick([0, 999, 1005, 1006, 1015, 2999]) >> 8) & 0xff, 0xe7]) },
          ],
          expect: closes(1002),
        }),
        () => ({
          name: 'close with one byte',
          frames: [{ opcode: 8, payload: Buffer.from([3]) }],
          expect: closes(1002),
        }),
        () => ({
          name: 'close with an invalid UTF-8 reason',
          frames: [{ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xc0, 0xaf]) }],
          expect: closes(1007),
        }),
        () => ({
          name: 'garbage bytes',
          frames: [
            { opcode: 1, payload: Buffer.from(nastyString(rng, 50)) },
            { opcode: rng.int(16), length: BigInt(rng.int(200)) },
          ],
          expect: () => true,
        }),
      ];
      return rng.pick(cases)();
    }

    test(`raw WebSocket frames: protocol errors close with their code, never 1011 (${RAW_CASES} connections)`, async () => {
      const rng = new Rng(FUZZ_SEED + 3);
      const findings: Finding[] = [];
      const path = `/v1/events/${target}/ws`;
      for (let i = 0; i < RAW_CASES; i++) {
        const c = rawCase(rng);
        const outcome = await rawExchange(node.port, upgradeRequest(path), c.frames.map(encodeFrame), 3000, (o) =>
          c.expect(o.closeCode, o.texts),
        );
        if (outcome.status !== 101 || !c.expect(outcome.closeCode, outcome.texts) || outcome.closeCode === 1011) {
          findings.push({
            route: `raw WS: ${c.name}`,
            input: c.frames
              .map((f) => `op${f.opcode}${f.fin === false ? '' : ' fin'} ${f.payload?.length ?? 0}B`)
              .join(', '),
            answer: `status ${outcome.status}, close ${outcome.closeCode}, texts ${clip(outcome.texts.join(' | '), 200)}`,
          });
        }
      }
      await assertHealthy();
      assertNone(findings, 'raw frame outcomes');
    });

    test('hostile upgrade requests: never a 5xx', async () => {
      const rng = new Rng(FUZZ_SEED + 4);
      const findings: Finding[] = [];
      for (let i = 0; i < 60; i++) {
        const path = rng.pick([
          `/v1/events/${nastyId(rng, [target])}/ws${nastyQuery(rng, { after: () => String(rng.int(60)), token: () => alice.token })}`,
          `/v1/events/${target}/ws?after=${rng.pick(['-1', '1e9', '9999999999999999', '%ff', ''])}`,
          '/v1/events//ws',
          `/${'a'.repeat(rng.int(9000))}`,
        ]);
        const extra = rng.pick([
          [],
          ['Sec-WebSocket-Version: 8'],
          ['Sec-WebSocket-Protocol: \u0000x'],
          ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
          [`Authorization: ${rng.pick(['Bearer', 'Bearer x', `Bearer ${alice.token}`, 'Basic x'])}`],
          ['X-Forwarded-For: ::1, 10.0.0.1, \u00ff'],
        ]);
        const outcome = await rawExchange(node.port, upgradeRequest(path, extra), [], 2000, (o) => o.status > 0);
        if (outcome.status >= 500 || (outcome.status === 0 && !outcome.ended)) {
          findings.push({
            route: 'WS upgrade',
            input: `${clip(path, 120)} ${extra.join(' ')}`,
            answer: `status ${outcome.status}`,
          });
        }
      }
      await assertHealthy();
      assertNone(findings, 'upgrade answers');
    });

    // Known finding being fixed elsewhere: the blocked-terms pattern puts `+` letter classes
    // around `*` gaps, so a run of one letter backtracks polynomially in the term's length
    // (term "aaaaa", text of 100 "a" then "b": seconds; a 64-letter term: forever). Sizes here
    // are bounded so the bad matcher still ends; every post must answer within 2 s.
    test('blocked terms with hostile comments: bounded time, no 5xx', { todo: 'finding: ReDoS' }, async () => {
      const rng = new Rng(FUZZ_SEED + 5);
      const findings: Finding[] = [];
      const terms = ['aaaaa', 'i d i o t', 's.p.a.m', ...Array.from({ length: 5 }, () => nastyString(rng, 12) || 'x')];
      const eventId = await createEvent(base, alice.token, { rateLimitPerMinute: 0, blockedTerms: terms });
      const texts = [
        `${'a'.repeat(100)}b`,
        `${'a '.repeat(60)}b`,
        `${'4@'.repeat(40)}x`,
        ...Array.from({ length: 20 }, () => nastyString(rng, 100)),
      ];
      for (const text of texts) {
        const started = Date.now();
        const res = await post(base, alice.token, eventId, text);
        const ms = Date.now() - started;
        if (res.status >= 500 || ms > 2000) {
          findings.push({
            route: 'POST comments',
            input: clip(JSON.stringify(text)),
            answer: `${res.status} in ${ms} ms`,
          });
        }
      }
      await assertHealthy();
      assertNone(findings, 'slow or failed posts');
    });

    // Known finding being fixed elsewhere: an unknown settings key holding a value nested some
    // thousands deep (within the 64 KiB body limit) overflows the stack in mergeSettings'
    // structuredClone and answers 503 instead of 400.
    test('deeply nested bodies within the limit: 400, not 503', { todo: 'finding: deep nesting' }, async () => {
      const findings: Finding[] = [];
      for (const depth of [1000, 5000, 20_000, 30_000]) {
        const deepObject = deepJson(depth, '{"a":', '}').replace('{"a":}', '{}');
        const cases = [
          ['POST', '/v1/events', `{"title":"t","settings":{"x":${deepJson(depth)}}}`],
          ['PATCH', `/v1/events/${spare[0]}`, `{"settings":{"x":${deepObject}}}`],
          ['PATCH', `/v1/events/${spare[0]}`, `{"settings":{"moderation":${deepObject}}}`],
          ['POST', `/v1/events/${target}/comments`, `{"text":${deepJson(depth)}}`],
        ];
        for (const [method, path, raw] of cases as [string, string, string][]) {
          const res = await api(base, method, path, { token: alice.token, raw });
          if (res.status >= 500) {
            findings.push({
              route: `${method} ${path}`,
              input: `${raw.slice(0, 40)}... depth ${depth}`,
              answer: `${res.status}`,
            });
          }
        }
      }
      await assertHealthy();
      assertNone(findings, 'deep bodies answered 5xx');
    });

    test('after the fuzz, a normal post reaches a viewer', async () => {
      await assertHealthy();
      const carol = await devToken(base, 'carol');
      const eventId = await createEvent(base, carol.token);
      const viewer = await WsViewer.open(base, eventId, 'after=0');
      try {
        const res = await post(base, carol.token, eventId, 'still here after the fuzz');
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const frame = await viewer.next(
          (f) => f.type === 'entries' && f.items.some((e: any) => e.comment?.text === 'still here after the fuzz'),
        );
        assert.ok(frame);
      } finally {
        await viewer.close();
      }
    });
  });
});
