import { type Emote, splitShortcodes } from '@livecomments/protocol';
import { SHORTCODES } from '@livecomments/protocol/shortcodes';
import { h } from './dom.js';

/**
 * The event's custom emotes, by code; the event's settings set them (`setEmotes`) and every
 * comment rendered after uses them. One table per page: a page shows one event.
 */
const custom = new Map<string, Emote>();
/** Where relative emote addresses (uploads) are served: the API's origin. */
let origin = '';

/** The texts shown, by element, so that a change of the emotes shows in them too. */
const shown = new WeakMap<Element, string>();

/**
 * Follows the event's emotes (its public settings carry them); `base` is the API's origin. When
 * they change, the texts already on the page are shown again with them.
 */
export function setEmotes(emotes: readonly Emote[] | undefined, base = ''): void {
  const next = emotes ?? [];
  origin = base;
  const same =
    next.length === custom.size && next.every((e) => JSON.stringify(custom.get(e.code)) === JSON.stringify(e));
  if (same) return;
  custom.clear();
  for (const e of next) custom.set(e.code, e);
  for (const el of document.querySelectorAll('.text')) {
    const text = shown.get(el);
    if (text !== undefined) el.replaceChildren(renderText(text));
  }
}

/** A comment's text paragraph (`<p class="text">`), shown with its emoji and emotes. */
export function textParagraph(text: string): HTMLParagraphElement {
  const p = h('p', { class: 'text' }, renderText(text));
  shown.set(p, text);
  return p;
}

/** The event's custom emotes, in the owner's order. */
export function customEmotes(): Emote[] {
  return [...custom.values()];
}

/** Where an emote's picture is. */
export function emoteSrc(emote: Emote): string {
  return emote.url.startsWith('/') ? origin + emote.url : emote.url;
}

/** Whether a shortcode names a custom emote or a standard emoji. */
function known(code: string): boolean {
  return custom.has(code) || SHORTCODES.has(code);
}

/** A custom emote's picture: sized by CSS to the line, named by its shortcode for readers. */
export function emoteImage(emote: Emote): HTMLImageElement {
  return h('img', {
    class: 'emote',
    src: emoteSrc(emote),
    alt: `:${emote.code}:`,
    title: `:${emote.code}:`,
    loading: 'lazy',
    decoding: 'async',
    referrerpolicy: 'no-referrer',
    ...(emote.width ? { width: emote.width } : {}),
    ...(emote.height ? { height: emote.height } : {}),
  });
}

/**
 * A comment's text with `:shortcode:`s shown as their emoji or emote pictures. Built from text
 * nodes and elements only: nothing of the text is ever read as markup.
 */
export function renderText(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  for (const part of splitShortcodes(text, known)) {
    if ('text' in part) {
      out.append(document.createTextNode(part.text));
      continue;
    }
    const emote = custom.get(part.code);
    if (emote) out.append(emoteImage(emote));
    else out.append(h('span', { class: 'emoji', title: `:${part.code}:` }, SHORTCODES.get(part.code) ?? ''));
  }
  return out;
}
