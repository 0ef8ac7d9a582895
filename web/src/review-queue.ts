import type { HeldComment, LiveCommentsApi } from '@livecomments/client';
import { ago, h } from './dom.js';

/**
 * The review queue: held comments as cards, approve or reject by click or by key (J/K or the
 * arrows to move, A to approve, R to reject) while the queue has focus or nothing else does.
 */
export class ReviewQueue {
  #items: HeldComment[] = [];
  #selected = 0;
  readonly #busy = new Set<string>();

  constructor(
    private readonly el: HTMLElement,
    private readonly api: LiveCommentsApi,
    private readonly eventId: string,
    private readonly toast: (message: string) => void,
    private readonly onCount: (held: number) => void = () => {},
  ) {
    document.addEventListener('keydown', this.#onKey);
    // The keys act while the queue has focus, so it must be reachable by Tab.
    el.tabIndex = 0;
  }

  /** Reloads the queue; returns how many wait. */
  async refresh(): Promise<number> {
    try {
      this.#items = await this.api.reviewQueue(this.eventId);
    } catch {
      return this.#items.length;
    }
    this.#render();
    return this.#items.length;
  }

  /** Approves or rejects one held comment. */
  async decide(commentId: string, action: 'approve' | 'reject'): Promise<void> {
    if (this.#busy.has(commentId)) return;
    this.#busy.add(commentId);
    try {
      await this.api.review(this.eventId, commentId, action);
      this.#items = this.#items.filter((i) => i.comment.id !== commentId);
      this.#render();
      this.toast(action === 'approve' ? 'Approved: shown to viewers' : 'Rejected: not shown to viewers');
    } catch (err) {
      this.toast(err instanceof Error ? `Failed: ${err.message}` : 'Failed');
    } finally {
      this.#busy.delete(commentId);
    }
  }

  #render(): void {
    this.onCount(this.#items.length);
    this.#selected = Math.min(this.#selected, Math.max(0, this.#items.length - 1));
    const hadFocus = this.el.contains(document.activeElement);
    this.el.replaceChildren(
      ...(this.#items.length === 0
        ? [h('li', { class: 'chat-empty' }, 'Nothing to review. Held and reported comments show up here.')]
        : this.#items.map((item, i) => this.#card(item, i === this.#selected))),
    );
    // A list of cards (each holds buttons, so not a listbox): the selected card is `aria-current`
    // and takes the focus when the queue had it, so screen readers read the one the keys act on.
    const selected = this.el.querySelector<HTMLElement>('[aria-current="true"]');
    if (hadFocus) (selected ?? this.el).focus();
  }

  #card(item: HeldComment, selected: boolean): HTMLLIElement {
    const c = item.comment;
    const scores = Object.entries(item.scores ?? {}).filter(([, v]) => typeof v === 'number' && v > 0);
    return h(
      'li',
      {
        class: 'held-card',
        id: `held-${c.id}`,
        tabindex: '-1',
        'aria-current': selected ? 'true' : undefined,
        'data-id': c.id,
      },
      h('div', { class: 'who' }, h('strong', {}, c.user.name), ` · ${ago(c.createdAt)}`),
      h('p', { class: 'text' }, c.text),
      reportLine(item),
      h(
        'div',
        { class: 'chips' },
        ...(item.reasons ?? []).map((r) => h('span', { class: 'chip' }, r.replaceAll('_', ' '))),
        ...scores.map(([k, v]) => h('span', { class: 'chip score' }, `${k} ${Math.round(v * 100)}%`)),
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          { class: 'btn small ok', type: 'button', onclick: () => this.decide(c.id, 'approve') },
          item.status === 'reported' ? 'Keep' : 'Approve',
          h('kbd', {}, 'A'),
        ),
        h(
          'button',
          { class: 'btn small danger', type: 'button', onclick: () => this.decide(c.id, 'reject') },
          item.status === 'reported' ? 'Remove' : 'Reject',
          h('kbd', {}, 'R'),
        ),
      ),
    );
  }

  #onKey = (ev: KeyboardEvent): void => {
    const target = ev.target as HTMLElement | null;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    // Keys act while the queue (or nothing in particular) has focus, so a key meant for another
    // control never approves or rejects by accident.
    if (target && !this.el.contains(target) && target !== document.body) return;
    const item = this.#items[this.#selected];
    switch (ev.key.toLowerCase()) {
      case 'j':
      case 'arrowdown':
        this.#selected = Math.min(this.#items.length - 1, this.#selected + 1);
        break;
      case 'k':
      case 'arrowup':
        this.#selected = Math.max(0, this.#selected - 1);
        break;
      case 'a':
        if (item) void this.decide(item.comment.id, 'approve');
        break;
      case 'r':
        if (item) void this.decide(item.comment.id, 'reject');
        break;
      default:
        return;
    }
    ev.preventDefault();
    this.#render();
  };
}

/** For a published comment viewers reported: how many, and their newest reasons. */
function reportLine(item: HeldComment): HTMLElement | null {
  if (item.status !== 'reported' || !item.reports) return null;
  const { count, reasons } = item.reports;
  return h(
    'div',
    { class: 'reported' },
    h('strong', {}, count === 1 ? 'Reported once' : `Reported ${count} times`),
    reasons.length > 0 ? ` · ${reasons.slice(0, 5).join(' · ')}` : '',
  );
}
