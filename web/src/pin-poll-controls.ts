/**
 * The console's pin and poll controls: pin an announcement (with an optional expiry), unpin,
 * start a poll (question, one option a line, duration). Comments get a Pin button of their own.
 */
import type { LiveComments } from '@livecomments/client';
import { byId } from './dom.js';

/** Wires the console's pin and poll forms to the client. */
export function wirePinPollControls(
  client: LiveComments,
  act: (run: () => Promise<unknown>, done: string) => Promise<void>,
): void {
  const pinText = byId<HTMLInputElement>('pin-text');
  const pinFor = byId<HTMLSelectElement>('pin-for');
  byId<HTMLFormElement>('pin-form').onsubmit = (ev) => {
    ev.preventDefault();
    const minutes = Number(pinFor.value);
    const text = pinText.value;
    void act(async () => {
      await client.pinMessage(minutes > 0 ? { text, expiresAt: Date.now() + minutes * 60_000 } : { text });
      pinText.value = '';
    }, 'Pinned');
  };
  byId('unpin').onclick = () => void act(() => client.unpin(), 'Unpinned');
  client.on('pin', (pin) => {
    byId<HTMLButtonElement>('unpin').disabled = pin === null;
  });

  const question = byId<HTMLInputElement>('poll-question');
  const options = byId<HTMLTextAreaElement>('poll-options');
  const duration = byId<HTMLSelectElement>('poll-duration');
  byId<HTMLFormElement>('poll-form').onsubmit = (ev) => {
    ev.preventDefault();
    const list = options.value
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    void act(async () => {
      await client.startPoll({ question: question.value, options: list, durationMs: Number(duration.value) * 1000 });
      question.value = '';
      options.value = '';
    }, 'Poll started');
  };
}
