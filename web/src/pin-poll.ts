/**
 * The pinned message and the poll card, shared by the viewer page and the console: the pin at
 * the top of the chat (with its expiry), the poll with live result bars, vote buttons while it is
 * open (for a signed-in viewer) and the final results after it closes.
 */
import type { LiveComments } from '@livecomments/client';
import type { CurrentPin, Poll } from '@livecomments/protocol';
import { clock, h } from './dom.js';

/** What the view needs. */
export interface PinPollOptions {
  client: LiveComments;
  /** Where the pin goes, and the poll card. */
  pin: HTMLElement;
  poll: HTMLElement;
  /** Whether this visitor may vote (signed in). */
  canVote: () => boolean;
  /** Tells the visitor something (a refused vote). */
  say: (message: string) => void;
}

/** Renders the client's pin and poll as they change. */
export class PinPollView {
  /** The option this visitor chose, per poll (the server keeps it; the page only shows it). */
  readonly #mine = new Map<string, number>();

  constructor(private readonly o: PinPollOptions) {
    o.client.on('pin', (pin) => this.showPin(pin));
    o.client.on('poll', (poll) => this.showPoll(poll));
    this.showPin(o.client.pin);
    if (o.client.poll) this.showPoll(o.client.poll);
  }

  showPin(pin: CurrentPin | null): void {
    const box = this.o.pin;
    box.hidden = pin === null;
    box.replaceChildren();
    if (!pin) return;
    box.append(
      h(
        'div',
        { class: 'pin-body' },
        h('div', { class: 'pin-text' }, pin.text ?? ''),
        h(
          'div',
          { class: 'pin-meta' },
          pin.userName ? `Pinned comment by ${pin.userName}` : 'Pinned announcement',
          pin.expiresAt ? ` · until ${clock(pin.expiresAt)}` : '',
        ),
      ),
    );
  }

  showPoll(poll: Poll): void {
    const card = this.o.poll;
    card.hidden = false;
    const total = poll.options.reduce((sum, o) => sum + o.votes, 0);
    const open = poll.status === 'open' && poll.endsAt > Date.now();
    const mine = this.#mine.get(poll.id);
    const rows = poll.options.map((option, i) => {
      const share = total === 0 ? 0 : Math.round((option.votes / total) * 100);
      const bar = h('span', { class: 'poll-bar' });
      bar.style.width = `${share}%`;
      const label = h(
        'span',
        { class: 'poll-label' },
        h('span', { class: 'poll-text' }, option.text),
        h('span', { class: 'poll-count' }, `${share}% · ${option.votes}`),
      );
      const attrs = {
        class: `poll-option${mine === i ? ' chosen' : ''}`,
        type: 'button',
        'aria-pressed': mine === i ? 'true' : 'false',
        disabled: !open || !this.o.canVote(),
        onclick: () => void this.vote(poll, i),
      };
      return h('li', {}, h('button', attrs, bar, label));
    });
    card.replaceChildren(
      h('div', { class: 'poll-head' }, h('span', { class: 'poll-kind' }, open ? 'Poll' : 'Final results')),
      h('div', { class: 'poll-question' }, poll.question),
      h('ol', { class: 'poll-options', 'aria-label': 'Options' }, ...rows),
      h(
        'div',
        { class: 'poll-meta' },
        `${total} ${total === 1 ? 'vote' : 'votes'}`,
        open ? ` · ends ${clock(poll.endsAt)}` : ' · closed',
        open && !this.o.canVote() ? ' · join the chat to vote' : '',
      ),
    );
  }

  async vote(poll: Poll, option: number): Promise<void> {
    try {
      await this.o.client.vote(poll.id, option);
      this.#mine.set(poll.id, option);
      this.showPoll(this.o.client.poll?.id === poll.id ? this.o.client.poll : poll);
    } catch (err) {
      this.o.say(err instanceof Error ? err.message : String(err));
    }
  }
}
