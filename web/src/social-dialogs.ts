import type { Comment } from '@livecomments/protocol';
import { h } from './dom.js';

/** Reasons a viewer picks from when reporting (the server takes any one line). */
const REASONS = ['Spam', 'Harassment or bullying', 'Hate speech', 'Impersonation', 'Other'];

/** A modal dialog built on the page, closed by Escape, its Cancel button or a choice. */
function dialog(id: string, title: string, ...body: Node[]): HTMLDialogElement {
  const el = h(
    'dialog',
    { id, class: 'dialog', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...body,
  );
  document.body.append(el);
  return el;
}

/** Asks for a report's reason; resolves with it, or undefined when the viewer cancels. */
export function askReport(comment: Comment): Promise<string | undefined> {
  const select = h(
    'select',
    { id: 'report-reason', class: 'input' },
    ...REASONS.map((r) => h('option', { value: r }, r)),
  );
  const detail = h('input', { id: 'report-detail', class: 'input', maxlength: 150, placeholder: 'Details (optional)' });
  const send = h('button', { class: 'btn small danger', type: 'submit' }, 'Report');
  const cancel = h('button', { class: 'btn small', type: 'button' }, 'Cancel');
  const form = h(
    'form',
    { class: 'stack', method: 'dialog' },
    h('p', {}, 'Moderators of this event will review it. The author is not told who reported it.'),
    h('blockquote', { class: 'quote' }, `${comment.user.name}: ${comment.text}`),
    h('label', { class: 'field' }, 'Reason', select),
    h('label', { class: 'field' }, 'Details', detail),
    h('div', { class: 'switch-row' }, send, cancel),
  );
  const el = dialog('report-dialog', `Report ${comment.user.name}'s comment?`, form);
  const opener = document.activeElement as HTMLElement | null;
  el.showModal();
  select.focus();
  return new Promise((resolve) => {
    let answer: string | undefined;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const more = detail.value.trim();
      answer = more ? `${select.value}: ${more}` : select.value;
      el.close();
    });
    cancel.addEventListener('click', () => el.close());
    el.addEventListener('close', () => {
      el.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    });
  });
}

/** The thread of a comment: the parent, then its replies (read from the server), and a Reply button. */
export function showThread(
  parent: Comment | undefined,
  parentId: string,
  load: () => Promise<Comment[]>,
  onReply: () => void,
): void {
  const list = h('ol', { class: 'thread-list', 'aria-label': 'Replies' }, h('li', { class: 'chat-empty' }, 'Loading…'));
  const reply = h('button', { class: 'btn small primary', type: 'button' }, 'Reply');
  const close = h('button', { class: 'btn small', type: 'button' }, 'Close');
  const head = parent
    ? h('blockquote', { class: 'quote' }, h('strong', {}, parent.user.name), ` ${parent.text}`)
    : h('p', { class: 'viewers' }, 'The first comment is no longer on screen.');
  const el = dialog('thread-dialog', 'Thread', head, list, h('div', { class: 'switch-row' }, reply, close));
  el.dataset.parent = parentId;
  const opener = document.activeElement as HTMLElement | null;
  reply.addEventListener('click', () => {
    el.close();
    onReply();
  });
  close.addEventListener('click', () => el.close());
  el.addEventListener('close', () => {
    el.remove();
    if (opener?.isConnected && !document.getElementById('reply-chip')) opener.focus();
  });
  el.showModal();
  load().then(
    (replies) =>
      list.replaceChildren(
        ...(replies.length === 0
          ? [h('li', { class: 'chat-empty' }, 'No replies yet.')]
          : replies.map((c) => h('li', { class: 'thread-item' }, h('strong', {}, c.user.name), ` ${c.text}`))),
      ),
    () => list.replaceChildren(h('li', { class: 'chat-empty' }, 'Could not load the replies.')),
  );
}
