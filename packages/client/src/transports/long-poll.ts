import type { EntriesPage } from '@livecomments/protocol';
import { enc } from '../api.js';
import {
  buildUrl,
  countsOf,
  fatalFor,
  readErrorBody,
  type Transport,
  type TransportContext,
  type TransportEnd,
} from './types.js';

/** Extra time the client waits past the server's poll timeout before it calls the poll lost. */
const GRACE_MS = 10_000;
/** An empty poll answered faster than this waits this long before the next one. */
const MIN_EMPTY_POLL_MS = 1000;

/**
 * The long-polling transport: `GET /v1/events/:id/poll?after=SEQ&timeoutMs=N` in a loop, each
 * poll resuming from the client's cursor. The first poll asks not to wait, so the client knows
 * at once that the path works.
 */
export function openLongPoll(ctx: TransportContext): Transport {
  const h = ctx.handlers;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  let opened = false;
  let ended = false;
  let current: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Ends once: aborts the poll in flight, tells the client (unless it asked). */
  function finish(end: TransportEnd | null): void {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    current?.abort();
    if (end) h.onEnd(end);
  }

  /** One poll; resolves with the page, or undefined when the transport ended. */
  async function poll(timeoutMs: number): Promise<EntriesPage | undefined> {
    const abort = new AbortController();
    current = abort;
    const url = buildUrl(ctx.baseUrl, `/v1/events/${enc(ctx.eventId)}/poll`, {
      after: ctx.cursor(),
      epoch: ctx.epoch(),
      view: ctx.view,
      rate: ctx.rate,
      timeoutMs,
    });
    timer = setTimeout(() => abort.abort(), (opened ? timeoutMs : ctx.connectTimeoutMs) + GRACE_MS);
    try {
      const res = await ctx.fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
      if (!res.ok) {
        const body = await readErrorBody(res);
        finish({
          opened,
          refused: !opened,
          code: res.status,
          fatal: fatalFor(res.status, body),
          reason: body?.message,
        });
        return undefined;
      }
      return (await res.json()) as EntriesPage;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Polls until closed or broken. */
  async function run(): Promise<void> {
    while (!ended) {
      const started = Date.now();
      const page = await poll(opened ? ctx.pollTimeoutMs : 0);
      if (ended || !page) return;
      const windowed = page.reactions !== undefined || page.likes !== undefined;
      if (opened && page.items.length === 0 && !page.reset && !windowed && Date.now() - started < MIN_EMPTY_POLL_MS) {
        // An empty answer at once means something in the path does not hold polls: do not spin.
        await new Promise((resolve) => setTimeout(resolve, MIN_EMPTY_POLL_MS));
        if (ended) return;
      }
      if (!opened) {
        opened = true;
        h.onOpen();
      }
      if (page.reset) {
        h.onReset(page.lastSeq, page.epoch);
        return;
      }
      const filtered = ctx.view !== undefined || ctx.rate !== undefined;
      if (page.items.length > 0 || filtered) h.onEntries(page.items, filtered ? page.lastSeq : undefined);
      const reactions = countsOf(page.reactions);
      if (reactions) h.onCounts?.('reactions', reactions);
      const likes = countsOf(page.likes);
      if (likes) h.onCounts?.('likes', likes);
      const viewers = (page as { viewers?: number }).viewers;
      if (typeof viewers === 'number') h.onPresence(viewers);
    }
  }

  run().catch((err: unknown) => finish({ opened, reason: err instanceof Error ? err.message : String(err) }));
  return { name: 'poll', close: () => finish(null) };
}
