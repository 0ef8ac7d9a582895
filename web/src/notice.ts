/** The tone of a notice: its colour. */
export type Tone = 'info' | 'ok' | 'warn' | 'bad';

/**
 * One line of feedback above the post box (role=status, so it is read out politely), with an
 * optional countdown: `show('warn', (s) => \`Try again in ${s} s\`, 5000)`.
 */
export class Notice {
  #timer: ReturnType<typeof setInterval> | undefined;
  #hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly el: HTMLElement) {}

  /**
   * Shows a message, for `countdownMs` when given (then `onDone` runs); a function message is a
   * countdown, updated each second until it ends.
   */
  show(tone: Tone, message: string | ((seconds: number) => string), countdownMs?: number, onDone?: () => void): void {
    this.clear();
    this.el.dataset.tone = tone;
    if (typeof message === 'string') {
      this.el.textContent = message;
      if (countdownMs) {
        this.#hideTimer = setTimeout(() => {
          this.clear();
          onDone?.();
        }, countdownMs);
      }
      return;
    }
    const end = Date.now() + (countdownMs ?? 0);
    // Screen readers hear the first message once; the ticking copy is hidden from them, so a
    // countdown does not speak every second.
    const spoken = document.createElement('span');
    spoken.className = 'sr-only';
    const shown = document.createElement('span');
    shown.setAttribute('aria-hidden', 'true');
    this.el.replaceChildren(spoken, shown);
    const tick = () => {
      const left = Math.ceil((end - Date.now()) / 1000);
      if (left <= 0) {
        this.clear();
        onDone?.();
        return;
      }
      if (!spoken.textContent) spoken.textContent = message(left);
      shown.textContent = message(left);
    };
    tick();
    this.#timer = setInterval(tick, 250);
  }

  /** Hides the notice. */
  clear(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#hideTimer);
    this.#timer = undefined;
    this.el.textContent = '';
    delete this.el.dataset.tone;
  }
}
