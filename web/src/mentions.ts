import { h } from './dom.js';

/** The longest `@name` prefix looked at (names are at most 64 characters; 32 typed is plenty). */
const MAX_TYPED = 32;
/** Names offered at once. */
const MAX_SHOWN = 6;

/** Whether `text` mentions `name` as `@name` (any case), not as the start of a longer word. */
export function mentions(text: string, name: string): boolean {
  if (!name) return false;
  const hay = text.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    const next = hay[at + needle.length];
    if (next === undefined || !/[\p{L}\p{N}_]/u.test(next)) return true;
  }
  return false;
}

/**
 * `@name` autocomplete in the post box: typing `@` and the start of a name offers the recent
 * chatters who match; arrows move, Enter or Tab picks, Escape closes.
 */
export class MentionPicker {
  readonly #list: HTMLUListElement;
  #options: string[] = [];
  #selected = 0;
  /** Where the `@` stands in the text while the list is open. */
  #at = -1;

  constructor(
    private readonly text: HTMLTextAreaElement,
    private readonly names: () => string[],
  ) {
    this.#list = h('ul', { id: 'mention-list', class: 'mention-list', role: 'listbox', hidden: true });
    text.setAttribute('aria-autocomplete', 'list');
    text.setAttribute('aria-controls', 'mention-list');
    text.parentElement?.append(this.#list);
    text.addEventListener('input', () => this.#update());
    // Before the composer's own Enter handler, so Enter picks a name instead of sending.
    text.addEventListener('keydown', this.#onKey, { capture: true });
    text.addEventListener('blur', () => setTimeout(() => this.#close(), 150));
  }

  #update(): void {
    const caret = this.text.selectionStart ?? this.text.value.length;
    const before = this.text.value.slice(Math.max(0, caret - MAX_TYPED - 1), caret);
    const at = before.lastIndexOf('@');
    const typed = at < 0 ? '' : before.slice(at + 1);
    const abs = caret - before.length + at;
    // An `@` that starts a word (not the middle of an e-mail address).
    const boundary = at >= 0 && (abs === 0 || /\s/.test(this.text.value[abs - 1]!));
    if (!boundary) {
      this.#close();
      return;
    }
    const wanted = typed.toLowerCase();
    this.#options = this.names()
      .filter((n) => n.toLowerCase().startsWith(wanted) && n.toLowerCase() !== wanted)
      .slice(0, MAX_SHOWN);
    this.#at = abs;
    if (this.#options.length === 0) {
      this.#close();
      return;
    }
    this.#selected = 0;
    this.#render();
  }

  #render(): void {
    this.#list.replaceChildren(
      ...this.#options.map((name, i) =>
        h(
          'li',
          {
            role: 'option',
            id: `mention-${i}`,
            'aria-selected': i === this.#selected ? 'true' : 'false',
            onmousedown: (ev: Event) => {
              ev.preventDefault();
              this.#pick(name);
            },
          },
          `@${name}`,
        ),
      ),
    );
    this.#list.hidden = false;
    this.text.setAttribute('aria-activedescendant', `mention-${this.#selected}`);
  }

  #pick(name: string): void {
    const value = this.text.value;
    const caret = this.text.selectionStart ?? value.length;
    const inserted = `@${name} `;
    this.text.value = value.slice(0, this.#at) + inserted + value.slice(caret);
    const end = this.#at + inserted.length;
    this.text.setSelectionRange(end, end);
    this.#close();
    this.text.dispatchEvent(new Event('input'));
    this.text.focus();
  }

  #close(): void {
    this.#list.hidden = true;
    this.#options = [];
    this.text.removeAttribute('aria-activedescendant');
  }

  #onKey = (ev: KeyboardEvent): void => {
    if (this.#list.hidden || this.#options.length === 0) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      const step = ev.key === 'ArrowDown' ? 1 : -1;
      this.#selected = (this.#selected + step + this.#options.length) % this.#options.length;
      this.#render();
    } else if (ev.key === 'Enter' || ev.key === 'Tab') {
      this.#pick(this.#options[this.#selected]!);
    } else if (ev.key === 'Escape') {
      this.#close();
    } else {
      return;
    }
    ev.preventDefault();
    ev.stopImmediatePropagation();
  };
}
