import type { PendingPost, PostResult } from '@livecomments/client';
import type { Comment, UserRef } from '@livecomments/protocol';
import { Announcer } from './announcer.js';
import { clock, h, initial, userColor } from './dom.js';

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
  /** Most comments kept on screen. */
  max?: number;
  /** Shown while the list is empty. */
  emptyText?: string;
}

/** Distance from the bottom (px) within which the list counts as "at the bottom". */
const STICKY_PX = 48;

/**
 * The live comment panel: appends in log order, sticks to the bottom unless the reader scrolled
 * up (then counts what arrived on the "N new comments" button), keeps the sender's own pending
 * comments below the published ones, removes deleted comments and banned users' comments.
 * Every piece of user content goes in as text.
 */
export class CommentList {
  readonly #o: CommentListOptions;
  readonly #announcer: Announcer | undefined;
  #unseen = 0;
  readonly #empty: HTMLElement;

  constructor(options: CommentListOptions) {
    this.#o = options;
    this.#announcer = options.announcer ? new Announcer(options.announcer) : undefined;
    this.#empty = h('li', { class: 'chat-empty' }, options.emptyText ?? 'No comments yet. Say hi!');
    options.list.append(this.#empty);
    options.list.addEventListener('scroll', this.#onScroll, { passive: true });
    options.newer?.addEventListener('click', () => this.scrollToEnd(true));
  }

  /** Adds a published comment at the end of the log part of the list. */
  add(comment: Comment): void {
    // The sender's optimistic copy (confirmed or not) gives way to the published one.
    this.#find(`[data-id="${CSS.escape(comment.id)}"]`)?.remove();
    const stick = this.#atBottom();
    const mine = this.#o.me?.()?.id === comment.user.id;
    const li = this.#item(comment.user, comment.text, comment.createdAt, mine);
    li.dataset.id = comment.id;
    li.dataset.user = comment.user.id;
    li.dataset.seq = String(comment.seq);
    const actions = this.#o.actions?.(comment);
    if (actions) li.querySelector('.meta')?.append(actions);
    this.#o.list.insertBefore(li, this.#o.list.querySelector('.pending, .held'));
    this.#empty.remove();
    this.#trim(stick);
    if (stick || mine) this.scrollToEnd(false);
    else this.#bumpUnseen();
    if (!mine) this.#announcer?.comment(comment.user.name, comment.text);
  }

  /** Shows the sender's own comment at once, marked as sending. */
  addPending(post: PendingPost, user: UserRef): void {
    const li = this.#item(user, post.text, post.createdAt, true);
    li.classList.add('pending');
    li.dataset.clientId = post.clientId;
    li.dataset.user = user.id;
    li.querySelector('.body')?.append(h('div', { class: 'state' }, 'Sending…'));
    this.#o.list.append(li);
    this.#empty.remove();
    this.scrollToEnd(false);
  }

  /** Confirms or withdraws a pending comment. */
  settle(post: PendingPost, result: PostResult): void {
    const li = this.#find(`[data-client-id="${CSS.escape(post.clientId)}"]`);
    if (!li) return;
    const state = li.querySelector('.state');
    if (result.status === 'refused') {
      li.remove();
      this.#showEmptyIfNeeded();
      return;
    }
    if (this.#find(`[data-id="${CSS.escape(result.comment.id)}"]:not([data-client-id])`)) {
      // The log delivered it before the answer came back.
      li.remove();
      return;
    }
    li.dataset.id = result.comment.id;
    if (result.status === 'held') {
      li.classList.replace('pending', 'held');
      if (state) state.textContent = 'Held for review · only you can see this for now';
    } else if (state) {
      state.textContent = 'Sent';
    }
  }

  /** Removes a deleted comment. */
  remove(commentId: string): void {
    this.#find(`[data-id="${CSS.escape(commentId)}"]`)?.remove();
    this.#showEmptyIfNeeded();
  }

  /** Removes every comment of a banned user. */
  removeUser(userId: string): void {
    for (const li of this.#o.list.querySelectorAll(`[data-user="${CSS.escape(userId)}"]`)) li.remove();
    this.#showEmptyIfNeeded();
  }

  /** Empties the list (after a reset, before history reloads). */
  clear(): void {
    for (const li of [...this.#o.list.querySelectorAll('li:not(.pending):not(.held)')]) li.remove();
    this.#unseen = 0;
    this.#renderNewer();
    this.#showEmptyIfNeeded();
  }

  /** Scrolls to the newest comment and clears the "new comments" count. */
  scrollToEnd(smooth: boolean): void {
    const list = this.#o.list;
    list.scrollTo({ top: list.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    this.#unseen = 0;
    this.#renderNewer();
  }

  #item(user: UserRef, text: string, at: number, mine: boolean): HTMLLIElement {
    return h(
      'li',
      { class: mine ? 'comment mine' : 'comment' },
      h(
        'span',
        { class: 'avatar', style: `background:${userColor(user.id)}`, 'aria-hidden': 'true' },
        initial(user.name),
      ),
      h(
        'div',
        { class: 'body' },
        h(
          'div',
          { class: 'meta' },
          h('span', { class: 'name' }, user.name),
          h('time', { class: 'time', datetime: new Date(at).toISOString() }, clock(at)),
        ),
        h('p', { class: 'text' }, text),
      ),
    );
  }

  #find(selector: string): HTMLElement | null {
    return this.#o.list.querySelector<HTMLElement>(selector);
  }

  #atBottom(): boolean {
    const list = this.#o.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
  }

  /** Keeps the list bounded, dropping the oldest while the reader is at the bottom. */
  #trim(stick: boolean): void {
    const max = this.#o.max ?? 500;
    if (!stick) return;
    const items = this.#o.list.querySelectorAll('li.comment:not(.pending):not(.held)');
    for (let i = 0; i < items.length - max; i++) items[i]?.remove();
  }

  #bumpUnseen(): void {
    this.#unseen++;
    this.#renderNewer();
  }

  #renderNewer(): void {
    const button = this.#o.newer;
    if (!button) return;
    button.hidden = this.#unseen === 0;
    button.textContent = `${this.#unseen} new comment${this.#unseen === 1 ? '' : 's'} ↓`;
  }

  #showEmptyIfNeeded(): void {
    if (!this.#o.list.querySelector('li.comment')) this.#o.list.append(this.#empty);
  }

  #onScroll = (): void => {
    if (this.#unseen > 0 && this.#atBottom()) {
      this.#unseen = 0;
      this.#renderNewer();
    }
  };
}
