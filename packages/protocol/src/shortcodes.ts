/**
 * Standard emoji by shortcode (`:fire:` -> 🔥), GitHub's names from the `gemoji` package, and the
 * same list grouped for an emoji picker. A subpath of its own (`@livecomments/protocol/shortcodes`)
 * so that bundles load the table only where they need it.
 */
import { gemoji } from 'gemoji';

/** The emoji of each standard shortcode name (without colons). */
export const SHORTCODES: ReadonlyMap<string, string> = new Map(
  gemoji.flatMap((g) => g.names.map((name): [string, string] => [name, g.emoji])),
);

/** One emoji of the picker: the emoji, its first shortcode name and its words for searching. */
export interface PickerEmoji {
  emoji: string;
  name: string;
  words: string;
}

/** The standard emoji by category, in Unicode's order, for a picker. */
export function emojiGroups(): { category: string; items: PickerEmoji[] }[] {
  const groups = new Map<string, PickerEmoji[]>();
  for (const g of gemoji) {
    const name = g.names[0];
    if (name === undefined) continue;
    const items = groups.get(g.category) ?? [];
    if (items.length === 0) groups.set(g.category, items);
    items.push({ emoji: g.emoji, name, words: `${g.names.join(' ')} ${g.tags.join(' ')} ${g.description}` });
  }
  return [...groups].map(([category, items]) => ({ category, items }));
}
