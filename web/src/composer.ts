import type { LiveComments, PendingPost, PostResult } from '@livecomments/client';
import type { PublicEvent } from '@livecomments/protocol';
import { byId, clock, codePoints, h } from './dom.js';
import { EmojiPicker } from './emoji-picker.js';
import { setEmotes } from './emotes.js';
import { forgetIdentity, type Identity, lastName, signIn } from './identity.js';
import { Notice } from './notice.js';

/** What the post box needs from its page. */
export interface ComposerOptions {
  client: LiveComments;
  identity: () => Identity | undefined;
  onIdentity: (identity: Identity | undefined) => void;
  /**
   * Offer the join form (development tokens) when signed out; default true. The embed page says
   * false: its sign-in belongs to the host site, which hands the token in.
   */
  join?: boolean;
}

/** Messages for refusals, by error code. */
const REFUSED: Record<string, string> = {
  rejected: 'Your comment was not published: it breaks this chat’s rules.',
  too_large: 'That comment is too long.',
  invalid_request: 'That comment cannot be posted.',
  event_ended: 'This event has ended. Comments are closed.',
  forbidden: 'You cannot comment here.',
  members_only: 'This chat is for members of the channel only right now. Your comment was not posted.',
  followers_only: 'This chat is for followers of the channel only right now. Follow the channel to join in.',
  emote_only: 'Emote-only chat: a comment can only hold emoji and this event’s emotes. Try the ☺ button.',
  network: 'Could not reach the server. Check your connection and try again.',
  unavailable: 'The server is busy. Please try again in a moment.',
};

/**
 * The post box: join form (gets a development token for a typed name), text area with a
 * character counter, Enter to send, and clear feedback for rate limits, slow mode, review,
 * bans and the end of the event.
 */
export class Composer {
  readonly #o: ComposerOptions;
  readonly #notice = new Notice(byId('notice'));
  readonly #join = byId<HTMLFormElement>('join');
  readonly #form = byId<HTMLFormElement>('compose');
  readonly #text = byId<HTMLTextAreaElement>('text');
  readonly #send = byId<HTMLButtonElement>('send');
  readonly #counter = byId('counter');
  /** The chat's mode in plain words, above the post box, shown before anyone types. */
  readonly #mode = h('p', { id: 'chat-mode', class: 'chat-mode', role: 'status', hidden: true });
  #event: PublicEvent | undefined;
  #max = 500;
  #slowModeMs = 0;
  #cooldownUntil = 0;
  #blockedUntil = 0;
  #unblockTimer: ReturnType<typeof setTimeout> | undefined;
  #closedReason: string | undefined;

  constructor(options: ComposerOptions) {
    this.#o = options;
    byId<HTMLInputElement>('join-name').value = lastName();
    this.#join.addEventListener('submit', (ev) => void this.#onJoin(ev));
    this.#form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.#submit();
    });
    this.#text.addEventListener('keydown', this.#onKey);
    this.#text.addEventListener('input', () => this.#refresh());
    this.#join.parentElement?.prepend(this.#mode);
    const emojiButton = h(
      'button',
      { id: 'emoji-button', class: 'btn icon emoji-button', type: 'button', 'aria-label': 'Emoji', title: 'Emoji' },
      '☺',
    );
    this.#send.before(emojiButton);
    new EmojiPicker(emojiButton, this.#text, this.#form);
    this.#showForms();
    this.#refresh();
  }

  /** Follows the event's settings and state. */
  setEvent(event: PublicEvent): void {
    this.#max = event.settings.maxCommentChars || 500;
    this.#slowModeMs = event.settings.slowModeMs || 0;
    this.#event = event;
    setEmotes(event.settings.emotes, this.#o.client.api.baseUrl);
    if (event.status === 'ended') this.disable(REFUSED.event_ended ?? '');
    this.#showForms();
    this.#refresh();
  }

  /** Says which chat modes are on, and whether they apply to this user (hosts and moderators are exempt). */
  #showMode(): void {
    const s = this.#event?.settings;
    const modes: string[] = [];
    if (s?.membersOnly) modes.push('Members-only chat: only members of the channel can post.');
    if (s?.followersOnly) {
      const min = s.minFollowMinutes ?? 0;
      modes.push(
        min > 0
          ? `Followers-only chat: follow the channel for ${duration(min * 60_000)} to post.`
          : 'Followers-only chat: follow the channel to post.',
      );
    }
    if (s?.emoteOnly) modes.push('Emote-only chat: post emoji and this event’s emotes only.');
    const identity = this.#o.identity();
    const exempt =
      identity && (identity.user.id === this.#event?.ownerId || ['moderator', 'admin'].includes(identity.role));
    if (modes.length > 0 && exempt) modes.push('You can post anyway as the host or a moderator.');
    this.#mode.textContent = modes.join(' ');
    this.#mode.hidden = modes.length === 0 || this.#closedReason !== undefined;
    this.#mode.dataset.modes = [s?.membersOnly && 'members', s?.followersOnly && 'followers', s?.emoteOnly && 'emote']
      .filter(Boolean)
      .join(' ');
  }

  /**
   * Shows that the user is banned (`until` null: for good) and blocks posting. `fromClose`: the
   * connection closing says "banned" without an end; a time-out already shown keeps its end.
   */
  banned(until: number | null, fromClose = false): void {
    if (fromClose && until === null && this.#blockedUntil > Date.now()) return;
    this.#blockedUntil = until ?? Number.POSITIVE_INFINITY;
    clearTimeout(this.#unblockTimer);
    if (until === null) {
      this.#notice.show('bad', 'You have been banned from this chat.');
    } else {
      this.#notice.show('bad', `You are timed out until ${clock(until)}.`, until - Date.now());
      this.#unblockTimer = setTimeout(() => {
        this.#blockedUntil = 0;
        this.#refresh();
      }, until - Date.now());
    }
    this.#refresh();
  }

  /** A ban or time-out of the user was lifted: posting works again. */
  unbanned(): void {
    if (this.#blockedUntil === 0) return;
    this.#blockedUntil = 0;
    clearTimeout(this.#unblockTimer);
    this.#notice.clear();
    this.#refresh();
  }

  /** The server no longer accepts the stored sign-in: forget it and offer the join form. */
  signedOut(): void {
    if (this.#o.join !== false) forgetIdentity();
    this.#o.onIdentity(undefined);
    this.#showForms();
    this.#notice.show(
      'warn',
      this.#o.join === false
        ? 'Your sign-in has expired. Sign in again on this site.'
        : 'Your sign-in has expired. Please join again.',
    );
  }

  /** The user signed in or out elsewhere (the host page of an embed): show the right form. */
  identityChanged(): void {
    this.#showForms();
    this.#refresh();
  }

  /** Closes the post box for good with `reason`. */
  disable(reason: string): void {
    this.#closedReason = reason;
    this.#notice.show('info', reason);
    this.#showForms();
    this.#refresh();
  }

  /** Reacts to the server's answer to a post. */
  settled(post: PendingPost, result: PostResult): void {
    if (result.status !== 'refused') {
      if (result.status === 'held')
        this.#notice.show('info', 'Thanks! Your comment is waiting for a moderator’s review.', 8000);
      this.#startCooldown(this.#slowModeMs);
      return;
    }
    // Give the text back so nothing typed is lost.
    if (!this.#text.value) this.#text.value = post.text;
    const wait = result.retryAfterMs ?? 0;
    switch (result.code) {
      case 'slow_mode':
        this.#startCooldown(wait, (s) => `Slow mode is on: you can post again in ${s} s.`);
        break;
      case 'rate_limited':
        this.#startCooldown(wait || 5000, (s) => `You are commenting too fast. Try again in ${s} s.`);
        break;
      case 'banned':
        this.banned(typeof result.error.until === 'number' ? result.error.until : null);
        break;
      case 'unauthenticated':
        this.signedOut();
        break;
      case 'event_ended':
        this.disable(REFUSED.event_ended ?? '');
        break;
      case 'followers_only':
        this.#notice.show(
          'bad',
          wait > 0
            ? `This chat is for followers of at least ${duration((Number(result.error.minFollowMinutes) || 0) * 60_000)}. You can post in ${duration(wait)}.`
            : (REFUSED.followers_only ?? ''),
        );
        break;
      default:
        this.#notice.show('bad', REFUSED[result.code] ?? result.error.message ?? 'Your comment was not published.');
    }
    this.#refresh();
  }

  async #onJoin(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const input = byId<HTMLInputElement>('join-name');
    const name = input.value.trim();
    if (!name) {
      input.focus();
      return;
    }
    try {
      const identity = await signIn(name);
      this.#o.onIdentity(identity);
      this.#notice.clear();
      this.#showForms();
      this.#text.focus();
    } catch (err) {
      this.#notice.show('bad', err instanceof Error ? err.message : String(err));
    }
  }

  #submit(): void {
    const text = this.#text.value.trim();
    if (!text || !this.#canSend(text)) return;
    this.#text.value = '';
    this.#refresh();
    const parentId = this.#replyTo?.id;
    this.replyTo(null);
    void this.#o.client.post(text, parentId ? { parentId } : {});
  }

  /** The comment being answered, shown above the box with a way out; null for none. */
  #replyTo: { id: string; name: string } | null = null;
  #replyChip: HTMLElement | null = null;

  /** Makes the next comment a reply to `parent` (null: an ordinary comment again). */
  replyTo(parent: { id: string; name: string } | null): void {
    this.#replyTo = parent;
    this.#replyChip?.remove();
    this.#replyChip = null;
    if (!parent) return;
    const cancel = h('button', { class: 'btn small', type: 'button', 'aria-label': 'Cancel the reply' }, '×');
    cancel.addEventListener('click', () => {
      this.replyTo(null);
      this.#text.focus();
    });
    this.#replyChip = h('div', { class: 'reply-chip', id: 'reply-chip' }, `Replying to ${parent.name}`, cancel);
    this.#form.prepend(this.#replyChip);
    this.#text.focus();
  }

  #onKey = (ev: KeyboardEvent): void => {
    if (ev.key !== 'Enter' || ev.isComposing) return;
    // Comments are one paragraph (the server folds line breaks into spaces), so Enter sends and
    // Shift+Enter adds no line that would be lost.
    ev.preventDefault();
    if (!ev.shiftKey) this.#submit();
  };

  /** Blocks sending for `ms`, with a countdown when there is a message for it. */
  #startCooldown(ms: number, message?: (s: number) => string): void {
    if (ms <= 0) return;
    this.#cooldownUntil = Date.now() + ms;
    const done = () => {
      this.#cooldownUntil = 0;
      this.#refresh();
    };
    this.#notice.show('warn', message ?? ((s) => `Slow mode: you can post again in ${s} s.`), ms, done);
    this.#refresh();
  }

  #canSend(text: string): boolean {
    const n = codePoints(text);
    return (
      n > 0 &&
      n <= this.#max &&
      !this.#closedReason &&
      Date.now() >= this.#cooldownUntil &&
      Date.now() >= this.#blockedUntil &&
      this.#o.identity() !== undefined
    );
  }

  /** Updates the counter, the send button and the text area's height. */
  #refresh(): void {
    const n = codePoints(this.#text.value);
    this.#counter.textContent = `${n}/${this.#max}`;
    this.#counter.dataset.tone = n > this.#max ? 'bad' : n > this.#max * 0.9 ? 'warn' : '';
    this.#send.disabled = !this.#canSend(this.#text.value.trim());
    const blocked = Boolean(this.#closedReason) || Date.now() < this.#blockedUntil;
    this.#text.disabled = blocked;
    this.#text.placeholder = blocked ? 'Commenting is closed' : 'Say something…';
    this.#text.style.height = 'auto';
    this.#text.style.height = `${Math.min(this.#text.scrollHeight + 2, 140)}px`;
  }

  #showForms(): void {
    const identity = this.#o.identity();
    // An ended event offers nothing to join or write: its chat is there to read.
    const closed = this.#closedReason !== undefined;
    this.#join.hidden = closed || identity !== undefined || this.#o.join === false;
    this.#form.hidden = closed || identity === undefined;
    byId('as').textContent = identity ? `Commenting as ${identity.user.name}` : '';
    this.#showMode();
  }
}

/** A wait in words: "3 minutes", "2 hours", "1 day" (rounded up). */
function duration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const [n, unit] =
    minutes < 120
      ? [minutes, 'minute']
      : minutes < 48 * 60
        ? [Math.ceil(minutes / 60), 'hour']
        : [Math.ceil(minutes / 1440), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
