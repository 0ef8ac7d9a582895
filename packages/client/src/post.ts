import { ApiError, type LiveCommentsApi, type PostBody } from './api.js';
import { Backoff } from './backoff.js';
import type { PendingPost, PostResult, QueuedPost } from './types.js';

/** One post waiting in the outbox, with the promise `post()` returned. */
interface Item {
  post: QueuedPost;
  resolve(result: PostResult): void;
  /** Aborts the request in flight, if any. */
  abort?: AbortController;
  /** Removes the listener on the caller's AbortSignal. */
  unlisten?: () => void;
}

/** What the outbox needs from the client. */
export interface OutboxHost {
  api: LiveCommentsApi;
  eventId: string;
  /** Whether posts may go now (the client is live). */
  live(): boolean;
  /** Tells the app the post is answered (or cancelled). */
  settled(post: PendingPost, result: PostResult): void;
  /** Give up on a post after this many failed attempts (network, 502/503/504); default never. */
  maxAttempts: number;
}

/**
 * Posts in order, one at a time, and only while the client is live: posts made while offline or
 * reconnecting wait here, and a post whose answer was lost goes back to the head of the queue.
 * Every attempt carries the post's `clientId`, so the server returns the first result to a
 * repeat and never publishes a copy. Refusals are answers and end a post.
 */
export class Outbox {
  readonly #host: OutboxHost;
  readonly #items: Item[] = [];
  readonly #backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: OutboxHost) {
    this.#host = host;
  }

  /** Posts not answered yet, oldest first (copies). */
  get pending(): QueuedPost[] {
    return this.#items.map((item) => ({ ...item.post }));
  }

  /** Queues a post; resolves with its answer, or `refused` / `cancelled` when cancelled. */
  add(post: PendingPost, signal?: AbortSignal): Promise<PostResult> {
    return new Promise<PostResult>((resolve) => {
      const item: Item = { post: { ...post, status: 'queued', attempts: 0 }, resolve };
      if (signal?.aborted) return this.#settle(item, cancelled('The post was aborted'));
      if (signal) {
        const onAbort = () => this.#cancelItem(item, 'The post was aborted');
        signal.addEventListener('abort', onAbort, { once: true });
        item.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.#items.push(item);
      this.flush();
    });
  }

  /** Sends what waits now (when live), without waiting out a retry delay. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#running) void this.#run();
  }

  /** Resends what waits now; the retry delay starts over. */
  retry(): void {
    this.#backoff.reset();
    this.flush();
  }

  /** Cancels one post (by `clientId`) or all; returns how many were cancelled. */
  cancel(clientId?: string, message = 'The post was cancelled'): number {
    const items = this.#items.filter((item) => clientId === undefined || item.post.clientId === clientId);
    for (const item of items) this.#cancelItem(item, message);
    return items.length;
  }

  /** Sends the queue head first, one at a time, while live. */
  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        const item = this.#items[0];
        if (!item || !this.#host.live()) return;
        const answer = await this.#attempt(item);
        if (answer === 'cancelled') continue;
        if (answer !== 'again') {
          this.#backoff.reset();
          this.#settle(item, answer);
          continue;
        }
        if (item.post.attempts >= this.#host.maxAttempts) {
          this.#settle(item, refused(new ApiError(0, { code: 'network', message: 'The post could not be sent' })));
          continue;
        }
        // Still live: try again after a while; not live: the next `live` flushes.
        if (this.#host.live()) this.#timer = setTimeout(() => this.flush(), this.#backoff.next());
        return;
      }
    } finally {
      this.#running = false;
    }
  }

  /** One attempt: the answer, `again` after a passing failure, `cancelled` if cancelled meanwhile. */
  async #attempt(item: Item): Promise<PostResult | 'again' | 'cancelled'> {
    const post = item.post;
    post.status = 'sending';
    post.attempts++;
    item.abort = new AbortController();
    try {
      const body: PostBody = { text: post.text, clientId: post.clientId };
      if (post.parentId) body.parentId = post.parentId;
      if (post.mediaTimeMs !== undefined) body.mediaTimeMs = post.mediaTimeMs;
      const answer = await this.#host.api.postComment(this.#host.eventId, body, { signal: item.abort.signal });
      if (!this.#items.includes(item)) return 'cancelled';
      return { status: answer.status, comment: answer.comment };
    } catch (err) {
      if (!this.#items.includes(item)) return 'cancelled';
      const error =
        err instanceof ApiError ? err : new ApiError(0, { code: 'network', message: String((err as Error)?.message) });
      post.status = 'queued';
      return error.transient ? 'again' : refused(error);
    } finally {
      item.abort = undefined;
    }
  }

  #cancelItem(item: Item, message: string): void {
    item.abort?.abort();
    this.#settle(item, cancelled(message));
  }

  /** Takes a post out of the queue and answers it. */
  #settle(item: Item, result: PostResult): void {
    const at = this.#items.indexOf(item);
    if (at >= 0) this.#items.splice(at, 1);
    // Nothing left to retry: no timer may keep a closed client (or Node) alive.
    if (this.#items.length === 0) clearTimeout(this.#timer);
    item.unlisten?.();
    const { status: _status, attempts: _attempts, ...post } = item.post;
    this.#host.settled(post, result);
    item.resolve(result);
  }
}

/** The `refused` result for an error answer. */
function refused(error: ApiError): PostResult {
  const result: PostResult = { status: 'refused', code: error.code, error: error.body };
  if (error.retryAfterMs !== undefined) result.retryAfterMs = error.retryAfterMs;
  return result;
}

/** The result of a cancelled post. */
function cancelled(message: string): PostResult {
  return { status: 'refused', code: 'cancelled', error: { code: 'cancelled', message } };
}

/** A random id for a post (works where `crypto.randomUUID` does not, e.g. plain-http LAN pages). */
export function makeClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
