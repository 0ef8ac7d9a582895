import type { EventModerator, LiveCommentsApi } from '@livecomments/client';
import { ago, byId, h } from './dom.js';

/**
 * The console's event moderators (`GET`/`PUT`/`DELETE .../moderators`): the owner appoints one by
 * user id (a name is optional: it is protected from look-alikes until they post) and removes them.
 * Others who moderate see the list; the server refuses their changes.
 */
export class ModeratorsPanel {
  #items: EventModerator[] = [];

  constructor(
    private readonly el: HTMLElement,
    private readonly api: LiveCommentsApi,
    private readonly eventId: string,
    private readonly toast: (message: string) => void,
  ) {
    byId<HTMLFormElement>('mods-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.#add();
    });
  }

  /** Reads the list again. */
  async refresh(): Promise<void> {
    try {
      this.#items = await this.api.moderators(this.eventId);
    } catch {
      return;
    }
    this.el.replaceChildren(
      ...(this.#items.length === 0
        ? [h('li', { class: 'chat-empty' }, 'No moderators yet. Add one by their user id.')]
        : this.#items.map((m) => this.#row(m))),
    );
  }

  #row(m: EventModerator): HTMLLIElement {
    const remove = h(
      'button',
      { class: 'btn small', type: 'button', 'aria-label': `Remove ${m.name ?? m.userId}` },
      'Remove',
    );
    remove.addEventListener('click', () => void this.#remove(m.userId));
    return h(
      'li',
      { class: 'record', 'data-user': m.userId },
      h('strong', {}, m.name ?? m.userId),
      h('span', { class: 'viewers' }, ` ${m.userId} · added ${ago(m.createdAt)}`),
      remove,
    );
  }

  async #add(): Promise<void> {
    const idInput = byId<HTMLInputElement>('mods-user');
    const nameInput = byId<HTMLInputElement>('mods-name');
    const userId = idInput.value.trim();
    if (!userId) return;
    try {
      await this.api.addModerator(this.eventId, userId, nameInput.value.trim() || undefined);
      idInput.value = '';
      nameInput.value = '';
      this.toast('Moderator added');
      await this.refresh();
    } catch (err) {
      this.toast(err instanceof Error ? `Failed: ${err.message}` : 'Failed');
    }
  }

  async #remove(userId: string): Promise<void> {
    try {
      await this.api.removeModerator(this.eventId, userId);
      this.toast('Moderator removed');
      await this.refresh();
    } catch (err) {
      this.toast(err instanceof Error ? `Failed: ${err.message}` : 'Failed');
    }
  }
}
