import type { Comment, UserRef } from '@livecomments/protocol';
import { clock, h, initial, userColor } from './dom.js';
import { textParagraph } from './emotes.js';

/**
 * One comment's list item: avatar, name, time and text. User content goes in as text only (its
 * shortcodes as emoji or emote pictures, see emotes.ts).
 */
export function commentItem(user: UserRef, text: string, at: number, mine: boolean): HTMLLIElement {
  return h(
    'li',
    { class: mine ? 'comment mine' : 'comment', 'data-user': user.id },
    h(
      'span',
      { class: 'avatar', style: `background:${userColor(user.id)}`, 'aria-hidden': 'true' },
      initial(user.name),
    ),
    h(
      'div',
      { class: 'body' },
      h(
        'div',
        { class: 'meta' },
        h('span', { class: 'name', title: user.name }, user.name),
        ...badgeTags(user),
        h('time', { class: 'time', datetime: new Date(at).toISOString() }, clock(at)),
      ),
      textParagraph(text),
    ),
  );
}

/** Labels of the badges beside a name (docs/API.md "Badges and roles"). */
const BADGE_LABELS: Record<string, string> = {
  owner: 'Host',
  moderator: 'Mod',
  staff: 'Staff',
  member: 'Member',
  verified: '✓',
};

/** The badges beside a name, as small tags; their names are the server's, never user text. */
function badgeTags(user: UserRef): HTMLElement[] {
  return (user.badges ?? [])
    .filter((b) => b in BADGE_LABELS)
    .map((b) => h('span', { class: 'badge-tag', 'data-badge': b, title: b }, BADGE_LABELS[b]!));
}

/** A published comment's item, with the page's extra controls (the moderator's buttons). */
export function publishedItem(
  comment: Comment,
  mine: boolean,
  actions: ((comment: Comment) => Node | null) | undefined,
): HTMLLIElement {
  const li = commentItem(comment.user, comment.text, comment.createdAt, mine);
  li.dataset.id = comment.id;
  li.dataset.seq = String(comment.seq);
  const extra = actions?.(comment);
  if (extra) li.querySelector('.meta')?.append(extra);
  return li;
}

/** Sets (or replaces) the small state line under a comment: "Sending…", "Held for review", … */
export function setState(li: HTMLElement, text: string): void {
  let state = li.querySelector('.state');
  if (!state) {
    state = h('div', { class: 'state' });
    li.querySelector('.body')?.append(state);
  }
  state.textContent = text;
}

/** Greys a comment out with what happened to it (a moderator still sees a banned user's comments). */
export function markModerated(li: HTMLElement, label: string): void {
  li.classList.add('moderated');
  setState(li, label);
}
