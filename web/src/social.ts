import type { LiveComments } from '@livecomments/client';
import type { Comment, UserRef } from '@livecomments/protocol';
import { h } from './dom.js';
import { mentions } from './mentions.js';
import { askReport, showThread } from './social-dialogs.js';

/** Comments remembered for quotes and threads, and chatters for `@name` autocomplete. */
const MAX_RECENT = 1000;
const MAX_CHATTERS = 100;
/** Users one device hides at most. */
const MAX_HIDDEN = 500;
const HIDDEN_KEY = 'lc.hiddenUsers';

/** What the viewer's tools need from the page. */
export interface ViewerSocialOptions {
  client: Pick<LiveComments, 'replies' | 'report' | 'deleteOwn'>;
  me: () => UserRef | undefined;
  replyTo: (parent: { id: string; name: string }) => void;
  say: (message: string) => void;
}

/**
 * The viewer's tools on each comment (reply, thread, report, hide the user on this device,
 * delete my own) and how a comment shows: the quoted parent above a reply, a mention of me
 * highlighted, a hidden user's comments left out.
 */
export class ViewerSocial {
  readonly #recent = new Map<string, Comment>();
  readonly #chatters = new Map<string, string>();
  readonly #replyCounts = new Map<string, number>();
  readonly #hidden: Map<string, string>;

  constructor(private readonly o: ViewerSocialOptions) {
    this.#hidden = readHidden();
  }

  /** Notes a published comment (before it is drawn). */
  note(comment: Comment): void {
    this.#recent.delete(comment.id);
    this.#recent.set(comment.id, comment);
    if (this.#recent.size > MAX_RECENT) this.#recent.delete(this.#recent.keys().next().value!);
    this.#chatters.delete(comment.user.id);
    this.#chatters.set(comment.user.id, comment.user.name);
    if (this.#chatters.size > MAX_CHATTERS) this.#chatters.delete(this.#chatters.keys().next().value!);
    if (comment.parentId) {
      const n = (this.#replyCounts.get(comment.parentId) ?? 0) + 1;
      this.#replyCounts.set(comment.parentId, n);
      const parentLi = document.querySelector<HTMLLIElement>(`li.comment[data-id="${CSS.escape(comment.parentId)}"]`);
      if (parentLi) this.#threadButton(parentLi, comment.parentId, n);
    }
  }

  /** Names of recent chatters, newest first, without mine. */
  chatters(): string[] {
    const mine = this.o.me()?.id;
    return [...this.#chatters].reverse().flatMap(([id, name]) => (id === mine ? [] : [name]));
  }

  /** How many users this device hides. */
  get hiddenCount(): number {
    return this.#hidden.size;
  }

  /** Shows every hidden user again. */
  unhideAll(): void {
    this.#hidden.clear();
    writeHidden(this.#hidden);
    for (const li of document.querySelectorAll<HTMLLIElement>('li.comment.hidden-user')) {
      li.classList.remove('hidden-user');
      li.hidden = false;
    }
  }

  /** The tools beside a comment. */
  actions = (comment: Comment): Node | null => {
    const me = this.o.me();
    const mine = me?.id === comment.user.id;
    const tools = h('span', { class: 'tools' });
    const rootId = comment.parentId ?? comment.id;
    const root = this.#recent.get(rootId);
    tools.append(
      h(
        'button',
        {
          class: 'tool reply',
          type: 'button',
          'aria-label': `Reply to ${comment.user.name}`,
          onclick: () => this.o.replyTo({ id: rootId, name: (root ?? comment).user.name }),
          disabled: !me,
        },
        'Reply',
      ),
    );
    if (me && !mine) {
      tools.append(
        h('button', { class: 'tool report', type: 'button', onclick: () => void this.#report(comment) }, 'Report'),
        h('button', { class: 'tool hide', type: 'button', onclick: () => this.#hide(comment.user) }, 'Hide user'),
      );
    }
    if (mine) {
      const del = h('button', { class: 'tool delete', type: 'button' }, 'Delete');
      del.addEventListener('click', () => void this.#deleteOwn(comment, del));
      tools.append(del);
    }
    return tools;
  };

  /** Dresses a drawn comment: parent quote, mention highlight, hidden user, thread button. */
  decorate = (li: HTMLLIElement, comment: Comment): void => {
    if (this.#hidden.has(comment.user.id)) {
      li.classList.add('hidden-user');
      li.hidden = true;
    }
    const me = this.o.me();
    if (me && me.id !== comment.user.id && mentions(comment.text, me.name)) li.classList.add('mentions-me');
    if (comment.parentId) {
      const parent = this.#recent.get(comment.parentId);
      const quote = h(
        'button',
        { class: 'reply-quote', type: 'button', title: 'View the thread' },
        '↪ ',
        parent ? h('strong', {}, parent.user.name) : 'a comment',
        parent ? ` ${clip(parent.text)}` : '',
      );
      quote.addEventListener('click', () => this.#openThread(comment.parentId!));
      li.querySelector('.body')?.prepend(quote);
    }
    const count = this.#replyCounts.get(comment.id);
    if (count) this.#threadButton(li, comment.id, count);
  };

  #threadButton(li: HTMLLIElement, parentId: string, n: number): void {
    let button = li.querySelector<HTMLButtonElement>('.thread-open');
    if (!button) {
      button = h('button', { class: 'tool thread-open', type: 'button' });
      button.addEventListener('click', () => this.#openThread(parentId));
      li.querySelector('.body')?.append(button);
    }
    button.textContent = n === 1 ? '1 reply' : `${n} replies`;
  }

  #openThread(parentId: string): void {
    const parent = this.#recent.get(parentId);
    showThread(
      parent,
      parentId,
      () => this.o.client.replies(parentId),
      () => this.o.replyTo({ id: parentId, name: parent?.user.name ?? 'the thread' }),
    );
  }

  async #report(comment: Comment): Promise<void> {
    const reason = await askReport(comment);
    if (!reason) return;
    try {
      const status = await this.o.client.report(comment.id, reason);
      this.o.say(status === 'received' ? 'Reported. Thank you: the moderators will look.' : 'You reported it already.');
    } catch (err) {
      this.o.say(err instanceof Error ? `Could not report: ${err.message}` : 'Could not report');
    }
  }

  #hide(user: UserRef): void {
    this.#hidden.set(user.id, user.name);
    while (this.#hidden.size > MAX_HIDDEN) this.#hidden.delete(this.#hidden.keys().next().value!);
    writeHidden(this.#hidden);
    for (const li of document.querySelectorAll<HTMLLIElement>(`li.comment[data-user="${CSS.escape(user.id)}"]`)) {
      li.classList.add('hidden-user');
      li.hidden = true;
    }
    this.o.say(`${user.name} is hidden on this device.`);
  }

  async #deleteOwn(comment: Comment, button: HTMLButtonElement): Promise<void> {
    // Two steps, no modal: the first click asks, the second deletes.
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Delete?';
      setTimeout(() => {
        button.dataset.confirm = '';
        button.textContent = 'Delete';
      }, 4000);
      return;
    }
    button.disabled = true;
    try {
      await this.o.client.deleteOwn(comment.id);
    } catch (err) {
      button.disabled = false;
      this.o.say(err instanceof Error ? `Could not delete: ${err.message}` : 'Could not delete');
    }
  }
}

/** The start of a quoted text. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Hidden users of this device (private mode or a full storage: none kept). */
function readHidden(): Map<string, string> {
  try {
    const raw = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return new Map();
    return new Map(
      raw
        .filter((u): u is { id: string; name: string } => typeof u?.id === 'string' && typeof u?.name === 'string')
        .slice(-MAX_HIDDEN)
        .map((u) => [u.id, u.name]),
    );
  } catch {
    return new Map();
  }
}

function writeHidden(hidden: Map<string, string>): void {
  try {
    localStorage.setItem(HIDDEN_KEY, JSON.stringify([...hidden].map(([id, name]) => ({ id, name }))));
  } catch {
    // Private mode or a full storage: hidden for this page only.
  }
}
