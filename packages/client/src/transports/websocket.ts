import { CloseCode, type ErrorBody, type ServerFrame } from '@livecomments/protocol';
import { enc } from '../api.js';
import {
  buildUrl,
  countsOf,
  type Transport,
  type TransportContext,
  type TransportEnd,
  type WebSocketLike,
} from './types.js';

/** How often the client pings, so a dead path is noticed even when the event is quiet. */
const PING_EVERY_MS = 20_000;

/** Close codes after which reconnecting cannot help, with the error the app is told. */
const FATAL_CLOSE: Record<number, ErrorBody> = {
  [CloseCode.BANNED]: { code: 'banned', message: 'You are banned from this event' },
  [CloseCode.NOT_FOUND]: { code: 'not_found', message: 'No such event' },
};

function ignore(): void {}

/** The WebSocket transport: `GET /v1/events/:id/ws?after=SEQ&epoch=E[&token=...]`. */
export function openWebSocket(ctx: TransportContext): Transport {
  const Ctor = ctx.WebSocket ?? (globalThis as { WebSocket?: TransportContext['WebSocket'] }).WebSocket;
  const wsBase = ctx.baseUrl.replace(/^http/, 'ws');
  const url = buildUrl(wsBase, `/v1/events/${enc(ctx.eventId)}/ws`, {
    after: ctx.cursor(),
    epoch: ctx.epoch(),
    view: ctx.view,
    rate: ctx.rate,
    token: ctx.token,
  });
  const h = ctx.handlers;
  let opened = false;
  let ended = false;
  let lastHeard = Date.now();
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let socket: WebSocketLike | undefined;

  /** Ends once: stops the timers, closes the socket, tells the client (unless it asked). */
  function finish(end: TransportEnd | null): void {
    if (ended) return;
    ended = true;
    clearTimeout(connectTimer);
    clearInterval(pingTimer);
    if (socket) {
      // No-ops rather than null: the `ws` package throws an 'error' that has no listener.
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = ignore;
      try {
        socket.close(1000);
      } catch {
        // Closing a socket that never opened may throw in some runtimes.
      }
    }
    if (end) h.onEnd(end);
  }

  if (!Ctor) {
    // No WebSocket in this runtime (Node 20 without the `ws` package passed in).
    queueMicrotask(() => finish({ opened: false, refused: true, reason: 'no WebSocket in this runtime' }));
    return { name: 'ws', close: () => finish(null) };
  }

  connectTimer = setTimeout(() => finish({ opened: false, reason: 'connect timeout' }), ctx.connectTimeoutMs);
  try {
    // Every WebSocket has the handler properties; the public type leaves them out so that each fits.
    socket = new Ctor(url) as unknown as WebSocketLike;
  } catch (err) {
    queueMicrotask(() => finish({ opened: false, refused: true, reason: String(err) }));
    return { name: 'ws', close: () => finish(null) };
  }
  const ws = socket;

  ws.onopen = function onOpen() {
    opened = true;
    lastHeard = Date.now();
    clearTimeout(connectTimer);
    pingTimer = setInterval(keepAlive, PING_EVERY_MS);
    h.onOpen();
  };

  ws.onmessage = function onMessage(ev) {
    lastHeard = Date.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data)) as ServerFrame;
    } catch {
      return;
    }
    dispatch(frame);
  };

  ws.onclose = function onClose(ev) {
    finish({ opened, code: ev.code, reason: ev.reason, fatal: FATAL_CLOSE[ev.code] });
  };

  // An error is always followed by a close, which reports it.
  ws.onerror = ignore;

  /** Hands one server frame to the client. */
  function dispatch(frame: ServerFrame): void {
    switch (frame.type) {
      case 'entries':
        h.onEntries(frame.items, (frame as { lastSeq?: number }).lastSeq);
        break;
      case 'reactions':
      case 'likes': {
        const counts = countsOf(frame.counts);
        if (counts) h.onCounts?.(frame.type, counts);
        break;
      }
      case 'presence':
        h.onPresence(frame.viewers);
        break;
      case 'reset':
        h.onReset(frame.lastSeq, frame.epoch);
        break;
      case 'ack':
        h.onAck?.(frame.clientId, frame.status, frame.comment);
        break;
      case 'error':
        h.onError?.(frame.error, frame.clientId);
        break;
    }
  }

  /** Pings; a connection silent for longer than the idle limit is dead: end it and resume. */
  function keepAlive(): void {
    if (Date.now() - lastHeard > ctx.idleTimeoutMs) {
      finish({ opened, reason: 'idle timeout' });
      return;
    }
    try {
      ws.send(JSON.stringify({ type: 'ping' }));
    } catch {
      // The close handler reports a broken socket.
    }
  }

  return {
    name: 'ws',
    close: () => finish(null),
    send(frame) {
      if (!opened || ended || ws.readyState !== 1) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
  };
}
