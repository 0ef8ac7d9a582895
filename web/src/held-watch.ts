import { ApiError, type LiveCommentsApi, type PendingPost } from '@livecomments/client';

/** First look after a comment is held, and the longest wait between two looks. */
const FIRST_MS = 2000;
const LONGEST_MS = 15_000;

/**
 * Learns what became of the author's held comments. A post retried with the same `clientId` is
 * answered with the first post's fate (docs/API.md: `held`, `published`, or 422 `rejected` once a
 * moderator rejected it) and publishes nothing new, so asking again is safe and needs no new
 * endpoint. Looks grow sparser while a comment waits; an approval arrives through the log anyway.
 */
export class HeldWatch {
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly api: LiveCommentsApi,
    private readonly eventId: string,
    private readonly onRejected: (post: PendingPost) => void,
  ) {}

  /** Starts watching a held comment. */
  watch(post: PendingPost, waitMs = FIRST_MS): void {
    clearTimeout(this.#timers.get(post.clientId));
    this.#timers.set(
      post.clientId,
      setTimeout(() => void this.#look(post, waitMs), waitMs),
    );
  }

  /** Stops every look (the page goes away). */
  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  async #look(post: PendingPost, waited: number): Promise<void> {
    const next = Math.min(LONGEST_MS, Math.round(waited * 1.5));
    try {
      const body: { text: string; clientId: string; parentId?: string } = { text: post.text, clientId: post.clientId };
      if (post.parentId) body.parentId = post.parentId;
      const answer = await this.api.postComment(this.eventId, body);
      if (answer.status === 'held') return this.watch(post, next);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'rejected') this.onRejected(post);
      else if (err instanceof ApiError && (err.transient || err.status === 429)) return this.watch(post, next);
    }
    this.#timers.delete(post.clientId);
  }
}
