// OpenTelemetry traces across nodes: two nodes (Redis bus, PostgreSQL store) export OTLP/HTTP to a
// receiver the test runs; one comment posted on node A with a caller's traceparent yields one
// trace: post -> moderation and commit -> bus publish on A -> bus receive -> flush on B.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Cluster, createEvent, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { openViewer } from './viewers.js';
import { waitFor } from './wait.js';

/** A span as the receiver keeps it. */
interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  instance: string;
  attributes: Record<string, string | number | boolean>;
}

/** An OTLP/HTTP JSON traces receiver on 127.0.0.1. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.includes('json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        for (const rs of body.resourceSpans ?? []) {
          const resource = attributes(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                name: s.name,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                instance: String(resource['service.instance.id']),
                attributes: attributes(s.attributes),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** OTLP JSON attributes as a plain object. */
function attributes(
  list: { key: string; value: Record<string, unknown> }[] = [],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    const v = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
    out[key] = typeof v === 'string' && 'intValue' in value ? Number(v) : (v as string | number | boolean);
  }
  return out;
}

let schema: TestSchema;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let cluster: Cluster;

before(async () => {
  schema = await createTestSchema('lc_tracing');
  receiver = await startReceiver();
  cluster = await startCluster({
    nodes: 2,
    redisUrl: TEST_REDIS_URL,
    databaseUrl: schema.url,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, LC_TRACE_SAMPLE: '1', OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
});
after(async () => {
  await cluster?.stop();
  await receiver?.close();
  await schema?.drop();
});

test("one comment's trace: post, moderation, commit and bus on one node, receive and flush on the other", async () => {
  const [a, b] = cluster.urls as [string, string];
  const owner = await signIn(a, 'traced owner');
  const eventId = await createEvent(a, owner);
  const viewer = openViewer('ws', [b], eventId);
  try {
    await waitFor(async () => {
      const res = await fetch(`${b}/v1/events/${eventId}`);
      return ((await res.json()) as { viewers?: number }).viewers === 1;
    }, 'the viewer on node b');
    const author = await signIn(a, 'traced author', 'viewer');
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await fetch(`${a}/v1/events/${eventId}/comments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${author.token}`,
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
      },
      body: JSON.stringify({ text: 'follow me through the system', clientId: 'traced-1' }),
    });
    assert.equal(res.status, 201);
    const { comment } = (await res.json()) as { comment: { seq: number } };
    await waitFor(() => viewer.last() >= comment.seq, 'delivery on node b');

    const want = ['comment.post', 'comment.moderate', 'log.commit', 'bus.publish', 'bus.receive', 'hub.flush'];
    const trace = await waitFor(() => {
      const mine = receiver.spans.filter((s) => s.traceId === callerTrace);
      return want.every((name) => mine.some((s) => s.name === name)) ? mine : null;
    }, 'every span of the trace at the receiver');
    const one = (name: string, instance?: string) => {
      const found = trace.filter((s) => s.name === name && (instance === undefined || s.instance === instance));
      assert.equal(found.length, 1, `one ${name} span${instance ? ` on ${instance}` : ''}: ${JSON.stringify(trace)}`);
      return found[0]!;
    };
    const post = one('comment.post');
    const moderate = one('comment.moderate');
    const commit = one('log.commit');
    const publish = one('bus.publish');
    const receive = one('bus.receive');
    assert.equal(post.parentSpanId, callerSpan, "the post continues the caller's trace");
    assert.equal(moderate.parentSpanId, post.spanId);
    assert.equal(commit.parentSpanId, post.spanId);
    assert.equal(publish.parentSpanId, commit.spanId);
    assert.equal(receive.parentSpanId, publish.spanId, 'the trace crosses the bus');
    assert.notEqual(receive.instance, post.instance, 'received by the other node');
    const flush = one('hub.flush', receive.instance);
    assert.equal(flush.parentSpanId, receive.spanId);

    for (const span of [post, commit, publish, receive, flush]) {
      assert.equal(span.attributes['lc.event_id'], eventId, `${span.name} names the event`);
      assert.equal(span.attributes['lc.seq'], comment.seq, `${span.name} names the seq`);
    }
    assert.equal(commit.attributes['lc.batch_size'], 1);
    assert.equal(flush.attributes['lc.frames'], 1, 'flushed to the one viewer');
    assert.equal(moderate.attributes['lc.verdict'], 'approve');
  } finally {
    viewer.close();
  }
});
