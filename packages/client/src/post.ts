import { ApiError, type LiveCommentsApi } from './api.js';
import { Backoff } from './backoff.js';
import type { PendingPost, PostResult } from './types.js';

/**
 * Posts with retries after network failures (no answer, 502/503/504): the same `clientId` makes
 * the server return the first result to a retry, never publish a copy. Refusals are answers.
 */
export async function sendPost(
  api: LiveCommentsApi,
  eventId: string,
  post: PendingPost,
  retries: number,
  stopped: () => boolean,
): Promise<PostResult> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 4000 });
  for (let attempt = 0; ; attempt++) {
    try {
      const body: { text: string; clientId: string; parentId?: string } = { text: post.text, clientId: post.clientId };
      if (post.parentId) body.parentId = post.parentId;
      const answer = await api.postComment(eventId, body);
      return { status: answer.status, comment: answer.comment };
    } catch (err) {
      const error =
        err instanceof ApiError ? err : new ApiError(0, { code: 'network', message: String((err as Error)?.message) });
      if (error.transient && attempt < retries && !stopped()) {
        await sleep(Math.max(backoff.next(), error.retryAfterMs ?? 0));
        continue;
      }
      const refused: PostResult = { status: 'refused', code: error.code, error: error.body };
      if (error.retryAfterMs !== undefined) refused.retryAfterMs = error.retryAfterMs;
      return refused;
    }
  }
}

/** A random id for a post (works where `crypto.randomUUID` does not, e.g. plain-http LAN pages). */
export function makeClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
