import type { PendingPost, PostResult } from '@livecomments/client';
import type { Comment, Entry, UserRef } from '@livecomments/protocol';
import { Announcer } from './announcer.js';
import { commentItem, markModerated, publishedItem, setState } from './comment-item.js';
import { h } from './dom.js';
import { Removals } from './removals.js';

/** What a comment list needs from its page. */
export interface CommentListOptions {
  list: HTMLElement;
  /** The "N new comments" button shown while the reader is scrolled up. */
  newer?: HTMLButtonElement;
  /** Where new comments are announced to screen readers. */
  announcer?: HTMLElement;
  /** The signed-in user, to mark their comments. */
  me?: () => UserRef | undefined;
  /** Extra controls under each published comment (the moderator's buttons). */
  actions?: (comment: Comment) => Node | null;
  /** Dresses a published comment's item once drawn (the quoted parent, a mention, a hidden user). */
  decorate?: (li: HTMLLIElement, comment: Comment) => void;
  /** Most published comments on screen at once (default 150). */
  max?: number;
  /** Shown while the list is empty. */
  emptyText?: string;
  /** Reads log entries before `seq` (newest first) when the reader scrolls to the top. */
  older?: (before: number) => Promise<Entry[]>;
  /**
   * What a ban or time-out does to the user's comments on this list: `purge` removes them (what
   * viewers see, as on Twitch), `mark` greys them with the action (the moderator's view).
   */
  onBan?: 'purge' | 'mark';
}

/** Distance from the bottom (px) within which the list counts as "at the bottom". */
const STICKY_PX = 48;
/** Distance from the top (px) at which older comments are read. */
const OLDER_PX = 240;
/** Empty older pages read in a row (all deletions, say) before the list waits for another scroll. */
const OLDER_TRIES = 3;

/**
 * The live comment panel. Comments arriving within one animation frame are drawn together; the
 * list keeps at most `max` comments on screen in every state. While the reader follows the end
 * it sticks there; scrolled up, arrivals wait off screen (the newest `max` of them), counted on
 * the "N new comments" button, which (like scrolling to the end) follows again. Scrolling to the
 * top reads older pages of the log. Every piece of user content goes in as text.
 */
export class CommentList {
  readonly #o: CommentListOptions;
  readonly #max: number;
  readonly #announcer: Announcer | undefined;
  readonly #empty: HTMLElement;
  readonly #removals = new Removals();
  /** Published comments on screen, oldest first. */
  #shown: HTMLLIElement[] = [];
  readonly #byId = new Map<string, HTMLLIElement>();
  /** The comment each item was drawn from, for when it leaves the screen and comes back. */
  readonly #drawn = new WeakMap<HTMLLIElement, Comment>();
  /** The sender's own pending and held comments, by client id; they stay below the published. */
  readonly #local = new Map<string, HTMLLIElement>();
  /** Comments waiting for the next frame. */
  #incoming: Comment[] = [];
  /** Comments newer than the last shown, kept off screen while the reader is scrolled up. */
  #below: Comment[] = [];
  /** Some comments between the last shown and `#below` were let go. */
  #gap = false;
  #unseen = 0;
  #following = true;
  #frame = 0;
  /** Whether `#frame` is a timer (hidden tab) rather than an animation frame: their ids overlap. */
  #frameIsTimer = false;
  #olderBusy = false;
  #olderDone = false;
  /** Older pages are read before this seq. */
  #olderCursor = Number.POSITIVE_INFINITY;

  constructor(options: CommentListOptions) {
    this.#o = options;
    this.#max = options.max ?? 150;
    this.#announcer = options.announcer ? new Announcer(options.announcer) : undefined;
    this.#empty = h('li', { class: 'chat-empty' }, options.emptyText ?? 'No comments yet. Say hi!');
    options.list.append(this.#empty);
    // A scrolling region is reachable by keyboard, to scroll it with the arrow keys.
    options.list.tabIndex = 0;
    options.list.addEventListener('scroll', this.#onScroll, { passive: true });
    options.newer?.addEventListener('click', this.#onNewer);
  }

  /** Adds a published comment; it is drawn on the next animation frame. */
  add(comment: Comment): void {
    this.#incoming.push(comment);
    this.#schedule();
  }

  /** Shows the sender's own comment at once, marked as sending. */
  addPending(post: PendingPost, user: UserRef): void {
    const li = commentItem(user, post.text, post.createdAt, true);
    li.classList.add('pending');
    li.dataset.clientId = post.clientId;
    setState(li, 'Sending…');
    this.#local.set(post.clientId, li);
    this.#o.list.append(li);
    this.#empty.remove();
    this.follow();
  }

  /** Confirms or withdraws a pending comment. */
  settle(post: PendingPost, result: PostResult): void {
    const li = this.#local.get(post.clientId);
    if (!li) return;
    if (result.status === 'refused' || this.#byId.has(result.comment.id)) {
      // Refused, or the log delivered it before the answer came back.
      this.#dropLocal(post.clientId);
      return;
    }
    li.dataset.id = result.comment.id;
    if (result.status === 'held') {
      li.classList.replace('pending', 'held');
      setState(li, 'Held for review · only you can see this for now');
    } else {
      setState(li, 'Sent');
    }
  }

  /** A held comment of the sender was rejected by a moderator: say so where it stands. */
  rejected(clientId: string): void {
    const li = this.#local.get(clientId);
    if (!li) return;
    li.classList.replace('held', 'rejected');
    setState(li, 'Not published · a moderator declined it; only you can see this');
  }

  /** Removes a deleted comment (keeping keyboard focus in the list when it was on it). */
  remove(commentId: string): void {
    this.#removals.delete(commentId);
    this.#incoming = this.#incoming.filter((c) => c.id !== commentId);
    this.#below = this.#below.filter((c) => c.id !== commentId);
    const li = this.#byId.get(commentId);
    if (li) this.#removeShown([li]);
    for (const [clientId, local] of this.#local) if (local.dataset.id === commentId) this.#dropLocal(clientId);
    this.#showEmptyIfNeeded();
  }

  /**
   * A ban or time-out (`until` null: for good) at log position `seq`: the user's comments go
   * (purge) or are greyed with the action (mark; always for the user's own view of their comments).
   */
  ban(userId: string, until: number | null, seq: number): void {
    this.#removals.ban(userId, { seq, until });
    const mine = this.#o.me?.()?.id === userId;
    const mode = mine ? 'mark' : (this.#o.onBan ?? 'purge');
    const label = banLabel(until, mine);
    if (mode === 'purge') {
      this.#incoming = this.#incoming.filter((c) => c.user.id !== userId);
      this.#below = this.#below.filter((c) => c.user.id !== userId);
      this.#removeShown(this.#shown.filter((li) => li.dataset.user === userId));
    } else {
      for (const li of this.#shown) if (li.dataset.user === userId) markModerated(li, label);
    }
    this.#showEmptyIfNeeded();
  }

  /** Empties the list (after a reset, before history reloads). */
  clear(): void {
    this.#removeShown([...this.#shown]);
    this.#incoming = [];
    this.#below = [];
    this.#gap = false;
    this.#unseen = 0;
    this.#removals.clear();
    this.#olderDone = false;
    this.#olderCursor = Number.POSITIVE_INFINITY;
    this.#renderNewer();
    this.#showEmptyIfNeeded();
  }

  /** Follows the end again: draws what waited off screen and scrolls to the newest comment. */
  follow(): void {
    this.#following = true;
    this.#flush();
    if (this.#below.length > 0) {
      if (this.#gap) this.#removeShown([...this.#shown]);
      this.#show(this.#below);
      this.#below = [];
      this.#gap = false;
    }
    this.#unseen = 0;
    this.#renderNewer();
    this.#toEnd();
  }

  /** How many published comments are on screen. */
  get size(): number {
    return this.#shown.length;
  }

  #schedule(): void {
    if (this.#frame) return;
    // Frames do not run in a hidden tab: a timer keeps the list current there.
    this.#frameIsTimer = document.hidden;
    this.#frame = document.hidden ? window.setTimeout(this.#flush, 250) : requestAnimationFrame(this.#flush);
  }

  /** Draws the comments that arrived since the last frame, in one go. */
  #flush = (): void => {
    // Cancelled by its own kind: a timer and an animation frame may share a number, and clearing
    // the other kind would stop someone else's timer (the Analytics view's refresh did stop).
    if (this.#frameIsTimer) clearTimeout(this.#frame);
    else cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    const batch = this.#incoming.filter((c) => !this.#removals.deleted(c.id) && !this.#byId.has(c.id));
    this.#incoming = [];
    if (batch.length === 0) return;
    const me = this.#o.me?.()?.id;
    for (const c of batch) if (c.user.id !== me) this.#announcer?.comment(c.user.name, c.text);
    if (!this.#following) {
      this.#below.push(...batch);
      this.#unseen += batch.filter((c) => c.user.id !== me).length;
      if (this.#below.length > this.#max) {
        this.#below.splice(0, this.#below.length - this.#max);
        this.#gap = true;
      }
      // The reader's own comment brings them back to the end, as in every chat.
      if (batch.some((c) => c.user.id === me)) this.follow();
      else this.#renderNewer();
      return;
    }
    this.#show(batch);
    this.#toEnd();
  };

  /** Appends comments (oldest first) after the shown ones and drops the oldest beyond `max`. */
  #show(comments: readonly Comment[]): void {
    const me = this.#o.me?.()?.id;
    const fragment = document.createDocumentFragment();
    for (const comment of comments) {
      for (const [clientId, local] of this.#local) if (local.dataset.id === comment.id) this.#dropLocal(clientId);
      const li = this.#item(comment, comment.user.id === me);
      this.#shown.push(li);
      this.#byId.set(comment.id, li);
      fragment.append(li);
    }
    this.#o.list.insertBefore(fragment, this.#firstLocal());
    this.#empty.remove();
    const extra = this.#shown.length - this.#max;
    if (extra > 0) {
      this.#removeShown(this.#shown.slice(0, extra));
      this.#olderDone = false;
    }
    this.#olderCursor = Math.min(this.#olderCursor, this.#firstSeq());
    if (extra > 0) this.#olderCursor = this.#firstSeq();
  }

  #item(comment: Comment, mine: boolean): HTMLLIElement {
    const li = publishedItem(comment, mine, this.#o.actions);
    this.#o.decorate?.(li, comment);
    this.#drawn.set(li, comment);
    const ban = this.#removals.banOf(comment);
    if (ban) markModerated(li, banLabel(ban.until, mine));
    return li;
  }

  /** Reads older comments into the top of the list, keeping what the reader sees in place. */
  async #loadOlder(): Promise<void> {
    const older = this.#o.older;
    if (!older || this.#olderBusy || this.#olderDone || !Number.isFinite(this.#olderCursor)) return;
    this.#olderBusy = true;
    try {
      for (let tries = 0; tries < OLDER_TRIES && !this.#olderDone; tries++) {
        const cursor = this.#olderCursor;
        const entries = await older(cursor);
        if (cursor !== this.#olderCursor) return; // The list moved on (a reset, a jump to the end).
        if (entries.length === 0) {
          this.#olderDone = true;
          break;
        }
        this.#olderCursor = Math.min(...entries.map((e) => e.seq));
        const comments = this.#removals.absorb(entries).filter((c) => !this.#byId.has(c.id));
        if (comments.length > 0) {
          this.#prepend(comments);
          break;
        }
      }
    } catch {
      // The next scroll to the top tries again.
    } finally {
      this.#olderBusy = false;
    }
  }

  #prepend(comments: readonly Comment[]): void {
    const list = this.#o.list;
    const anchor = this.#shown[0];
    const offset = anchor ? anchor.offsetTop - list.scrollTop : 0;
    const me = this.#o.me?.()?.id;
    const items = comments.map((c) => this.#item(c, c.user.id === me));
    for (const [i, li] of items.entries()) this.#byId.set(comments[i]?.id ?? '', li);
    if (anchor) anchor.before(...items);
    else list.insertBefore(this.#fragment(items), this.#firstLocal());
    this.#shown.unshift(...items);
    this.#empty.remove();
    // Bounded while reading history too: the newest go off screen, to come back on following.
    const extra = this.#shown.length - this.#max;
    if (extra > 0) {
      const dropped = this.#shown.slice(-extra);
      const droppedComments = dropped.map((li) => this.#drawn.get(li)).filter((c) => c !== undefined);
      this.#removeShown(dropped);
      this.#below.unshift(...droppedComments);
      this.#following = false;
      if (this.#below.length > this.#max) {
        this.#below.splice(0, this.#below.length - this.#max);
        this.#gap = true;
      }
      this.#renderNewer();
    }
    if (anchor) list.scrollTop = anchor.offsetTop - offset;
  }

  #fragment(items: readonly Node[]): DocumentFragment {
    const fragment = document.createDocumentFragment();
    fragment.append(...items);
    return fragment;
  }

  #removeShown(items: readonly HTMLLIElement[]): void {
    if (items.length === 0) return;
    const gone = new Set(items);
    const focused = items.find((li) => li.contains(document.activeElement));
    const next = focused ? this.#neighbour(focused, gone) : undefined;
    for (const li of items) {
      li.remove();
      if (li.dataset.id) this.#byId.delete(li.dataset.id);
    }
    this.#shown = this.#shown.filter((li) => !gone.has(li));
    if (focused) (next?.querySelector<HTMLElement>('button') ?? this.#o.list).focus();
  }

  /** The nearest shown item that stays, after `li` or else before it. */
  #neighbour(li: HTMLLIElement, gone: Set<HTMLLIElement>): HTMLLIElement | undefined {
    const at = this.#shown.indexOf(li);
    return (
      this.#shown.slice(at + 1).find((x) => !gone.has(x)) ?? this.#shown.slice(0, at).findLast((x) => !gone.has(x))
    );
  }

  #dropLocal(clientId: string): void {
    this.#local.get(clientId)?.remove();
    this.#local.delete(clientId);
    this.#showEmptyIfNeeded();
  }

  #firstLocal(): HTMLElement | null {
    for (const li of this.#local.values()) if (li.isConnected) return li;
    return null;
  }

  #firstSeq(): number {
    const seq = Number(this.#shown[0]?.dataset.seq);
    return Number.isFinite(seq) ? seq : Number.POSITIVE_INFINITY;
  }

  #toEnd(): void {
    const list = this.#o.list;
    list.scrollTop = list.scrollHeight;
  }

  #atBottom(): boolean {
    const list = this.#o.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
  }

  #renderNewer(): void {
    const button = this.#o.newer;
    if (!button) return;
    const behind = this.#below.length > 0 || this.#gap;
    button.hidden = this.#following || !behind;
    button.textContent =
      this.#unseen > 0 ? `${this.#unseen} new comment${this.#unseen === 1 ? '' : 's'} ↓` : 'Back to the latest ↓';
  }

  #showEmptyIfNeeded(): void {
    if (this.#shown.length === 0 && this.#local.size === 0 && this.#below.length === 0)
      this.#o.list.append(this.#empty);
  }

  #onNewer = (): void => {
    this.follow();
    // The button hides: keep keyboard focus on the list rather than losing it to the page.
    this.#o.list.focus({ preventScroll: true });
  };

  #onScroll = (): void => {
    if (this.#atBottom()) {
      if (!this.#following) this.follow();
    } else {
      this.#following = false;
    }
    if (this.#o.list.scrollTop < OLDER_PX) void this.#loadOlder();
  };
}

/** What a ban label says, to the moderator and to the user themselves. */
function banLabel(until: number | null, mine: boolean): string {
  if (mine) return until === null ? 'Hidden from others: you were banned' : 'Hidden from others: you were timed out';
  return until === null ? 'Banned · hidden from viewers' : 'Timed out · hidden from viewers';
}
