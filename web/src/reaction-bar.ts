/** The reaction bar under the stage: the event's emoji, their totals, and bursts of everyone's reactions. */
import type { LiveComments } from '@livecomments/client';
import { DEFAULT_REACTIONS } from '@livecomments/protocol';
import { h } from './dom.js';

/** Most emoji floating at once: a burst of thousands shows as a bounded flurry. */
const MAX_FLOATING = 40;
/** Most emoji started per window of counts, however many came. */
const MAX_PER_WINDOW = 12;
/** How long one floats (ms); the CSS animation lasts as long. */
const FLOAT_MS = 1800;

/**
 * Buttons for the event's reactions with their running totals; each window of counts from the
 * server floats a few emoji up the stage (a number that grows with the burst, but bounded), or,
 * for readers who prefer reduced motion, only pulses the totals.
 */
export class ReactionBar {
  readonly #totals = new Map<string, number>();
  readonly #buttons = new Map<string, HTMLButtonElement>();
  readonly #reduced = matchMedia('(prefers-reduced-motion: reduce)');
  #floating = 0;
  #set: readonly string[] = [];

  constructor(
    private readonly bar: HTMLElement,
    private readonly layer: HTMLElement,
    private readonly client: LiveComments,
    /** Called when a reaction cannot be sent (not signed in, too many): the page says why. */
    private readonly refused: (message: string) => void,
    private readonly signedIn: () => boolean,
  ) {}

  /** Shows the event's set (on every event change) and reads its totals once. */
  setEvent(reactions: readonly string[] | undefined): void {
    const set = reactions ?? DEFAULT_REACTIONS;
    if (set.join('\n') === this.#set.join('\n')) return;
    const first = this.#set.length === 0;
    this.#set = set;
    this.bar.replaceChildren(...set.map((emoji) => this.#button(emoji)));
    this.bar.hidden = set.length === 0;
    if (first) void this.#loadTotals();
  }

  /** A window of everyone's reactions. */
  counts(counts: Record<string, number>): void {
    let started = 0;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    // Grows with the burst (logarithmically), never past the bounds.
    const budget = Math.min(MAX_PER_WINDOW, Math.ceil(Math.log2(total + 1) * 2));
    for (const [emoji, n] of Object.entries(counts)) {
      if (!this.#buttons.has(emoji)) continue;
      this.#add(emoji, n);
      const share = Math.max(1, Math.round((budget * n) / Math.max(total, 1)));
      for (let i = 0; i < share && started < budget; i++, started++) this.#float(emoji);
    }
  }

  #button(emoji: string): HTMLButtonElement {
    const button = h(
      'button',
      { class: 'reaction', type: 'button', 'aria-label': `React with ${emoji}`, 'data-emoji': emoji },
      h('span', { class: 'emoji', 'aria-hidden': 'true' }, emoji),
      h('span', { class: 'count' }, ''),
    );
    button.addEventListener('click', () => void this.#react(emoji));
    this.#buttons.set(emoji, button);
    this.#show(emoji);
    return button;
  }

  async #react(emoji: string): Promise<void> {
    if (!this.signedIn()) return this.refused('Join the chat to react.');
    try {
      await this.client.react(emoji);
    } catch (error) {
      const code = (error as { body?: { code?: string } }).body?.code;
      this.refused(
        code === 'rate_limited' ? 'Easy there: too many reactions at once.' : 'That reaction did not go through.',
      );
    }
  }

  async #loadTotals(): Promise<void> {
    try {
      const answer = await this.client.api.request<{ totals: Record<string, number> }>(
        'GET',
        `/v1/events/${encodeURIComponent(this.client.eventId)}/reactions`,
      );
      for (const [emoji, n] of Object.entries(answer.totals)) this.#add(emoji, n, false);
    } catch {
      // The totals are a nicety: the windows still count from now on.
    }
  }

  #add(emoji: string, n: number, pulse = true): void {
    this.#totals.set(emoji, (this.#totals.get(emoji) ?? 0) + n);
    this.#show(emoji);
    const button = this.#buttons.get(emoji);
    if (pulse && button) {
      button.classList.remove('pulse');
      // Restarts the pulse: reading layout between the two class changes replays the animation.
      void button.offsetWidth;
      button.classList.add('pulse');
    }
  }

  #show(emoji: string): void {
    const count = this.#buttons.get(emoji)?.querySelector('.count');
    const n = this.#totals.get(emoji) ?? 0;
    if (count) count.textContent = n > 0 ? compact(n) : '';
  }

  #float(emoji: string): void {
    if (this.#reduced.matches || this.#floating >= MAX_FLOATING) return;
    this.#floating++;
    const el = h('span', { class: 'floater', 'aria-hidden': 'true' }, emoji);
    el.style.left = `${10 + Math.random() * 80}%`;
    el.style.animationDelay = `${Math.round(Math.random() * 200)}ms`;
    this.layer.append(el);
    setTimeout(() => {
      el.remove();
      this.#floating--;
    }, FLOAT_MS + 250);
  }
}

/** 1234 -> "1.2K". */
function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}
