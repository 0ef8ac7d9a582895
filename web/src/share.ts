import { byId } from './dom.js';

/** Wires the `#share` button: the system share sheet on phones, else the link to the clipboard. */
export function setUpShare(eventId: string): void {
  const button = byId<HTMLButtonElement>('share');
  const said = byId('share-said');
  const url = `${location.origin}/e/${encodeURIComponent(eventId)}`;
  button.addEventListener('click', async function share() {
    const touch = matchMedia('(pointer: coarse)').matches;
    if (touch && typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: document.title, url });
        return;
      } catch {
        // Dismissed or refused: copy instead.
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      said.textContent = 'Link copied';
    } catch {
      said.textContent = url;
    }
    setTimeout(() => {
      said.textContent = '';
    }, 4000);
  });
}
