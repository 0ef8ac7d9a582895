import type { Entry, ErrorBody } from '@livecomments/protocol';
import { enc } from '../api.js';
import { type SseMessage, SseParser } from './sse-parser.js';
import {
  buildUrl,
  countsOf,
  fatalFor,
  readErrorBody,
  type Transport,
  type TransportContext,
  type TransportEnd,
} from './types.js';

/**
 * The Server-Sent Events transport: `GET /v1/events/:id/stream?after=SEQ`, read with streaming
 * fetch rather than EventSource, so it runs in Node 20+ as in browsers, sends the token as a
 * header, and reconnects by the client's own rules (EventSource reconnects on its own terms).
 */
export function openSse(ctx: TransportContext): Transport {
  const h = ctx.handlers;
  const abort = new AbortController();
  const url = buildUrl(ctx.baseUrl, `/v1/events/${enc(ctx.eventId)}/stream`, {
    after: ctx.cursor(),
    epoch: ctx.epoch(),
    view: ctx.view,
    rate: ctx.rate,
  });
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  let opened = false;
  let ended = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const connectTimer = setTimeout(() => finish({ opened: false, reason: 'connect timeout' }), ctx.connectTimeoutMs);

  /** Ends once: aborts the request, stops the timers, tells the client (unless it asked). */
  function finish(end: TransportEnd | null): void {
    if (ended) return;
    ended = true;
    clearTimeout(connectTimer);
    clearTimeout(idleTimer);
    abort.abort();
    if (end) h.onEnd(end);
  }

  /** Restarts the idle timer: the server sends a heartbeat at least every 15 s. */
  function heard(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => finish({ opened, reason: 'idle timeout' }), ctx.idleTimeoutMs);
  }

  /** Hands one event of the stream to the client. */
  function dispatch(message: SseMessage): void {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    switch (message.event) {
      case 'entries':
        // A filtered view (Top chat, a sampled tier, a slow stream stepped down) says where the
        // log stands past what it left out.
        h.onEntries((data as { items: Entry[] }).items ?? [], (data as { lastSeq?: number }).lastSeq);
        break;
      case 'reactions':
      case 'likes': {
        const counts = countsOf((data as { counts?: unknown }).counts);
        if (counts) h.onCounts?.(message.event, counts);
        break;
      }
      case 'presence':
        h.onPresence((data as { viewers: number }).viewers);
        break;
      case 'reset':
        h.onReset((data as { lastSeq: number }).lastSeq, (data as { epoch?: string }).epoch);
        break;
      case 'error':
        h.onError?.((data as { error: ErrorBody }).error ?? (data as ErrorBody));
        break;
    }
  }

  /** Connects, checks the answer is a stream, then reads it to the end. */
  async function run(): Promise<void> {
    const res = await ctx.fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
    if (!res.ok) {
      const body = await readErrorBody(res);
      finish({
        opened: false,
        refused: true,
        code: res.status,
        fatal: fatalFor(res.status, body),
        reason: body?.message,
      });
      return;
    }
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !res.body) {
      // Something in the path (a proxy, a captive portal) answered instead of the stream.
      finish({ opened: false, refused: true, code: res.status, reason: `not a stream: ${type}` });
      return;
    }
    opened = true;
    clearTimeout(connectTimer);
    heard();
    h.onOpen();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (ended) return;
      if (done) break;
      heard();
      for (const message of parser.push(decoder.decode(value, { stream: true }))) {
        dispatch(message);
        if (ended) return;
      }
    }
    finish({ opened, reason: 'stream ended' });
  }

  run().catch((err: unknown) => finish({ opened, reason: err instanceof Error ? err.message : String(err) }));
  return { name: 'sse', close: () => finish(null) };
}
