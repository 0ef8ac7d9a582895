/** Like buttons on comments: the count from history and from the server's windows, and my own likes. */
import type { LiveComments } from '@livecomments/client';
import type { Comment } from '@livecomments/protocol';
import { h } from './dom.js';

/**
 * Keeps every comment's like count (so a comment drawn again shows the latest), the comments I
 * liked on this page, and updates the buttons on screen when counts come in.
 */
export class Likes {
  readonly #counts = new Map<string, number>();
  readonly #mine = new Set<string>();

  constructor(
    private readonly list: HTMLElement,
    private readonly client: LiveComments,
    private readonly refused: (message: string) => void,
    private readonly signedIn: () => boolean,
  ) {}

  /** The like button of a comment (the comment list's per-comment control). */
  button = (comment: Comment): Node => {
    if (comment.likes !== undefined && !this.#counts.has(comment.id)) this.#counts.set(comment.id, comment.likes);
    const button = h('button', { class: 'like', type: 'button', 'data-like': comment.id });
    this.#render(button, comment.id);
    button.addEventListener('click', () => void this.#toggle(comment.id));
    return button;
  };

  /** A window of like counts (absolute). */
  counts(counts: Record<string, number>): void {
    for (const [id, n] of Object.entries(counts)) {
      this.#counts.set(id, n);
      for (const button of this.#buttonsOf(id)) this.#render(button, id);
    }
  }

  async #toggle(id: string): Promise<void> {
    if (!this.signedIn()) return this.refused('Join the chat to like comments.');
    const liked = this.#mine.has(id);
    // Shown at once; the server's count follows in the next window.
    if (liked) this.#mine.delete(id);
    else this.#mine.add(id);
    this.#counts.set(id, Math.max(0, (this.#counts.get(id) ?? 0) + (liked ? -1 : 1)));
    for (const button of this.#buttonsOf(id)) this.#render(button, id);
    try {
      if (liked) await this.client.unlike(id);
      else await this.client.like(id);
    } catch {
      if (liked) this.#mine.add(id);
      else this.#mine.delete(id);
      this.refused('That like did not go through.');
    }
  }

  #buttonsOf(id: string): HTMLButtonElement[] {
    return [...this.list.querySelectorAll<HTMLButtonElement>('button.like')].filter((b) => b.dataset.like === id);
  }

  #render(button: HTMLButtonElement, id: string): void {
    const n = this.#counts.get(id) ?? 0;
    const mine = this.#mine.has(id);
    button.textContent = `${mine ? '♥' : '♡'}${n > 0 ? ` ${n}` : ''}`;
    button.setAttribute('aria-pressed', String(mine));
    button.setAttribute('aria-label', `${mine ? 'Unlike' : 'Like'} (${n} ${n === 1 ? 'like' : 'likes'})`);
  }
}

/** `?view=top` follows Top chat; anything else Live chat. */
export function viewFromQuery(): 'top' | 'live' {
  return new URLSearchParams(location.search).get('view') === 'top' ? 'top' : 'live';
}

/** The Top chat / Live chat switch: two links that reload the page in the other view. */
export function setUpViewSwitch(el: HTMLElement, view: 'top' | 'live'): void {
  for (const [name, label] of [
    ['top', 'Top chat'],
    ['live', 'Live chat'],
  ] as const) {
    const query = new URLSearchParams(location.search);
    query.set('view', name);
    const link = h(
      'a',
      { class: 'view-tab', href: `?${query}`, 'aria-current': name === view ? 'page' : undefined },
      label,
    );
    el.append(link);
  }
}
