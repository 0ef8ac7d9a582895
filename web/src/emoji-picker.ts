/** The emoji picker beside the post box: the event's emotes, then the standard emoji by category. */
import { emojiGroups, type PickerEmoji } from '@livecomments/protocol/shortcodes';
import { h } from './dom.js';
import { customEmotes, emoteImage } from './emotes.js';

/** Most emoji a search shows at once. */
const MAX_FOUND = 120;

/**
 * A button that opens a panel of emoji: clicking one types it at the caret (a custom emote as its
 * `:shortcode:`, a standard emoji as itself). Escape or a click outside closes it; the keyboard
 * goes back to the text.
 */
export class EmojiPicker {
  readonly #panel: HTMLElement;
  readonly #search: HTMLInputElement;
  readonly #body: HTMLElement;
  #groups: { category: string; items: PickerEmoji[] }[] | null = null;

  constructor(
    private readonly button: HTMLButtonElement,
    private readonly text: HTMLTextAreaElement,
    host: HTMLElement,
  ) {
    this.#search = h('input', {
      class: 'input emoji-search',
      type: 'search',
      placeholder: 'Search emoji',
      'aria-label': 'Search emoji',
    });
    this.#body = h('div', { class: 'emoji-body' });
    this.#panel = h(
      'div',
      { id: 'emoji-picker', class: 'emoji-picker', role: 'dialog', 'aria-label': 'Emoji', hidden: true },
      this.#search,
      this.#body,
    );
    host.append(this.#panel);
    button.setAttribute('aria-haspopup', 'dialog');
    button.setAttribute('aria-expanded', 'false');
    button.addEventListener('click', () => (this.#panel.hidden ? this.open() : this.close()));
    this.#search.addEventListener('input', () => this.#fill());
    this.#panel.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        this.close();
      }
    });
    document.addEventListener('pointerdown', (ev) => {
      const target = ev.target as Node;
      if (!this.#panel.hidden && !this.#panel.contains(target) && !button.contains(target)) this.close(false);
    });
  }

  /** Shows the panel (built on first use) with the keyboard in its search. */
  open(): void {
    this.#groups ??= emojiGroups();
    this.#search.value = '';
    this.#fill();
    this.#panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.#search.focus();
  }

  /** Hides the panel; the keyboard goes back to the text unless the user clicked elsewhere. */
  close(refocus = true): void {
    if (this.#panel.hidden) return;
    this.#panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (refocus) this.text.focus();
  }

  /** The event's emotes and the standard emoji, or those whose names match the search. */
  #fill(): void {
    const query = this.#search.value.trim().toLowerCase();
    const sections: HTMLElement[] = [];
    const emotes = customEmotes().filter((e) => !query || e.code.includes(query));
    if (emotes.length > 0) {
      sections.push(
        this.#section(
          'This event',
          emotes.map((e) => this.#choice(emoteImage(e), `:${e.code}:`, `:${e.code}:`)),
        ),
      );
    }
    if (query) {
      const found = (this.#groups ?? [])
        .flatMap((g) => g.items)
        .filter((e) => e.words.includes(query))
        .slice(0, MAX_FOUND);
      sections.push(
        this.#section(
          found.length ? 'Emoji' : 'No emoji found',
          found.map((e) => this.#standard(e)),
        ),
      );
    } else {
      for (const g of this.#groups ?? []) {
        sections.push(
          this.#section(
            g.category,
            g.items.map((e) => this.#standard(e)),
          ),
        );
      }
    }
    this.#body.replaceChildren(...sections);
  }

  #section(title: string, items: HTMLElement[]): HTMLElement {
    return h('section', { class: 'emoji-section' }, h('h3', {}, title), h('div', { class: 'emoji-grid' }, ...items));
  }

  #standard(e: PickerEmoji): HTMLButtonElement {
    return this.#choice(e.emoji, e.emoji, `:${e.name}:`);
  }

  #choice(face: Node | string, insert: string, label: string): HTMLButtonElement {
    const button = h('button', { class: 'emoji-choice', type: 'button', title: label, 'aria-label': label }, face);
    button.addEventListener('click', () => this.#insert(insert));
    return button;
  }

  /** Types `value` at the caret, with a space before it when it would touch a word. */
  #insert(value: string): void {
    const t = this.text;
    const start = t.selectionStart ?? t.value.length;
    const end = t.selectionEnd ?? start;
    const before = t.value.slice(0, start);
    const glue = before && before.slice(-1).trim() !== '' && value.startsWith(':') ? ' ' : '';
    t.value = `${before}${glue}${value}${t.value.slice(end)}`;
    const caret = start + glue.length + value.length;
    t.setSelectionRange(caret, caret);
    t.dispatchEvent(new Event('input', { bubbles: true }));
    this.close();
  }
}
