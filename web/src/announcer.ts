/** Quiet time between two announcements, so a busy chat does not flood a screen reader. */
const EVERY_MS = 4000;

/**
 * Announces new comments through a polite live region, at most one message every few seconds:
 * one comment is read out, several are summed up with the latest.
 */
export class Announcer {
  #count = 0;
  #last: { name: string; text: string } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSpoke = 0;

  constructor(private readonly region: HTMLElement) {}

  /** Notes a new comment; it is announced soon, maybe together with others. */
  comment(name: string, text: string): void {
    this.#count++;
    this.#last = { name, text: text.length > 140 ? `${text.slice(0, 140)}…` : text };
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSpoke + EVERY_MS - Date.now());
    this.#timer = setTimeout(() => this.#speak(), wait);
  }

  #speak(): void {
    this.#timer = undefined;
    if (!this.#last) return;
    const { name, text } = this.#last;
    this.region.textContent =
      this.#count === 1 ? `${name}: ${text}` : `${this.#count} new comments. Latest from ${name}: ${text}`;
    this.#count = 0;
    this.#last = undefined;
    this.#lastSpoke = Date.now();
  }
}
