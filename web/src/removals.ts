import type { Comment, Entry } from '@livecomments/protocol';

/** Deleted ids remembered for older pages; past this the oldest are forgotten. */
const MAX_DELETED = 20_000;

/** A ban or time-out seen in the log: the user's comments before `seq` are hidden or marked. */
export interface BanMark {
  seq: number;
  until: number | null;
}

/**
 * What the log said about comments after they were published (deletions, bans), so an older
 * page read on scroll shows the chat as it stands now, not as it was then.
 */
export class Removals {
  readonly #deleted = new Set<string>();
  readonly #bans = new Map<string, BanMark>();

  /** Notes a deletion. */
  delete(commentId: string): void {
    this.#deleted.add(commentId);
    if (this.#deleted.size > MAX_DELETED) {
      const oldest = this.#deleted.values().next().value;
      if (oldest !== undefined) this.#deleted.delete(oldest);
    }
  }

  /** Notes a ban in force (the latest for the user wins, since it covers more of the history). */
  ban(userId: string, mark: BanMark): void {
    const known = this.#bans.get(userId);
    if (!known || known.seq < mark.seq) this.#bans.set(userId, mark);
  }

  /** Whether the comment was deleted. */
  deleted(commentId: string): boolean {
    return this.#deleted.has(commentId);
  }

  /** The ban that covers this comment, if any. */
  banOf(comment: Comment): BanMark | undefined {
    const mark = this.#bans.get(comment.user.id);
    return mark && comment.seq < mark.seq ? mark : undefined;
  }

  /**
   * Takes in an older page (newest first, as `before` reads give it) and returns its comments
   * oldest first. Deletions and bans in the page apply to the comments below them.
   */
  absorb(entries: readonly Entry[], now = Date.now()): Comment[] {
    const sorted = [...entries].sort((a, b) => b.seq - a.seq);
    const out: Comment[] = [];
    for (const entry of sorted) {
      if (entry.type === 'delete') this.delete(entry.commentId);
      else if (entry.type === 'ban' && (entry.until === null || entry.until > now))
        this.ban(entry.userId, { seq: entry.seq, until: entry.until });
      else if (entry.type === 'comment' && !this.deleted(entry.comment.id)) out.push(entry.comment);
    }
    return out.reverse();
  }

  /** Forgets everything (after the log was reset). */
  clear(): void {
    this.#deleted.clear();
    this.#bans.clear();
  }
}
