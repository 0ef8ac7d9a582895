import type { BanRecord, LiveCommentsApi, ModerationLogItem } from '@livecomments/client';
import { ago, clock, h } from './dom.js';

/** Log lines shown in the console. */
const LOG_LINES = 50;

/** What each logged action reads as; those ending in "of" or "banned" name the user. */
const ACTION: Record<string, string> = {
  ban: 'banned',
  unban: 'lifted the ban of',
  delete: 'deleted a comment',
  approve: 'approved a comment of',
  reject: 'rejected a comment of',
  hold: 'held a comment of',
  block: 'refused a comment of',
  settings: 'changed the settings',
  end: 'ended the event',
};

/**
 * The console's ban list (with "Lift ban") and moderation log, read from the API
 * (`GET .../bans`, `DELETE .../bans/:userId`, `GET .../moderation-log`).
 */
export class ModRecords {
  #busy = false;

  constructor(
    private readonly bansEl: HTMLElement,
    private readonly logEl: HTMLElement,
    private readonly api: LiveCommentsApi,
    private readonly eventId: string,
    private readonly names: Map<string, string>,
    private readonly toast: (message: string) => void,
  ) {
    // Scrolling regions are reachable by keyboard; the ban list takes focus after a lift.
    logEl.tabIndex = 0;
    bansEl.tabIndex = -1;
  }

  /** Reads both again. */
  async refresh(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const [bans, log] = await Promise.all([this.api.listBans(this.eventId), this.api.moderationLog(this.eventId)]);
      this.#renderBans(bans.filter((b) => b.until === null || b.until > Date.now()));
      this.#renderLog(log.slice(0, LOG_LINES));
    } catch {
      // The next round reads them again.
    } finally {
      this.#busy = false;
    }
  }

  #name(userId: string | undefined): string {
    if (!userId) return 'someone';
    return this.names.get(userId) ?? (userId === 'system' ? 'The filters' : userId);
  }

  #renderBans(bans: BanRecord[]): void {
    const hadFocus = this.bansEl.contains(document.activeElement);
    this.bansEl.replaceChildren(
      ...(bans.length === 0
        ? [h('li', { class: 'chat-empty' }, 'Nobody is banned or timed out.')]
        : bans.map((ban) => this.#banRow(ban))),
    );
    if (hadFocus) this.bansEl.focus();
  }

  #banRow(ban: BanRecord): HTMLLIElement {
    const who = this.#name(ban.userId);
    const until = ban.until === null ? 'for good' : `until ${clock(ban.until)}`;
    return h(
      'li',
      { class: 'record' },
      h('div', {}, h('strong', {}, who), ` · ${until}`, ban.reason ? ` · ${ban.reason}` : ''),
      h(
        'button',
        {
          class: 'btn tiny',
          type: 'button',
          'aria-label': `Lift the ban of ${who}`,
          onclick: () => this.#lift(ban, who),
        },
        'Lift ban',
      ),
    );
  }

  async #lift(ban: BanRecord, who: string): Promise<void> {
    try {
      await this.api.unban(this.eventId, ban.userId);
      this.toast(`Ban of ${who} lifted`);
    } catch (err) {
      this.toast(err instanceof Error ? `Failed: ${err.message}` : 'Failed');
    }
    this.bansEl.focus();
    await this.refresh();
  }

  #renderLog(items: ModerationLogItem[]): void {
    this.logEl.replaceChildren(
      ...(items.length === 0
        ? [h('li', { class: 'chat-empty' }, 'Moderation actions show here.')]
        : items.map((item) => this.#logRow(item))),
    );
  }

  #logRow(item: ModerationLogItem): HTMLLIElement {
    const user = item.action === 'ban' || item.action === 'unban' ? item.targetId : item.details?.userId;
    const verb = ACTION[item.action] ?? item.action;
    const target = typeof user === 'string' ? ` ${this.#name(user)}` : '';
    return h(
      'li',
      { class: 'record' },
      h(
        'div',
        {},
        h('time', { class: 'time', datetime: new Date(item.at).toISOString() }, ago(item.at)),
        ' ',
        h('strong', {}, this.#name(item.actorId)),
        ` ${verb}${target}`,
        item.reason ? ` · ${item.reason.replaceAll('_', ' ')}` : '',
      ),
      item.text ? h('p', { class: 'quote' }, item.text) : null,
    );
  }
}
