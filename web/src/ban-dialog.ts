import { byId } from './dom.js';

/**
 * The ban confirmation: names the user, quotes the comment, asks for a reason (kept in the
 * moderation log and the ban list) and bans only on an explicit confirmation.
 */
export class BanDialog {
  #settle: ((reason: string | undefined) => void) | undefined;

  constructor(private readonly dialog: HTMLDialogElement) {
    byId<HTMLFormElement>('ban-form').addEventListener('submit', this.#onSubmit);
    byId('ban-cancel').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', this.#onClose);
  }

  /** Asks; resolves with the reason, or undefined when the moderator cancels. */
  ask(userName: string, text: string): Promise<string | undefined> {
    this.#settle?.(undefined);
    byId('ban-who').textContent = userName;
    byId('ban-quote').textContent = text;
    const reason = byId<HTMLInputElement>('ban-reason');
    reason.value = '';
    const opener = document.activeElement as HTMLElement | null;
    this.dialog.showModal();
    reason.focus();
    return new Promise((resolve) => {
      this.#settle = (value) => {
        this.#settle = undefined;
        // Back to where the moderator was, or the list when that comment is gone.
        if (opener?.isConnected) opener.focus();
        else byId('comments').focus();
        resolve(value);
      };
    });
  }

  #onSubmit = (ev: SubmitEvent): void => {
    ev.preventDefault();
    const reason = byId<HTMLInputElement>('ban-reason').value.trim();
    const settle = this.#settle;
    this.#settle = undefined;
    this.dialog.close();
    settle?.(reason || 'no reason given');
  };

  #onClose = (): void => {
    this.#settle?.(undefined);
  };
}
