// Export of an event's chat (docs/API.md "Export"): JSON lines or CSV, streamed page by page
// from the store, never built in memory.
import type { Principal } from '../auth/auth.js';
import { type BanLookup, requireModerator } from '../auth/powers.js';
import type { ChatArchive, ExportRow } from '../engines/search.js';
import type { EventRecord } from '../engines/store.js';
import type { EventRoles } from '../events/roles.js';
import { errors } from '../util/errors.js';

/** The formats of an export. */
export type ExportFormat = 'jsonl' | 'csv';

/** Comments read from the store per page. */
export const EXPORT_PAGE = 500;
/** Exports one user may run at once (across events), and one event may serve at once. */
export const MAX_EXPORTS = 2;

/** The CSV columns, in order (`status` last, when asked for). */
const CSV_COLUMNS = ['id', 'seq', 'createdAt', 'userId', 'userName', 'parentId', 'text'] as const;

/**
 * A CSV cell: quoted when it holds a quote, comma or line break (quotes doubled, RFC 4180); a
 * text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
 * return) gets a leading apostrophe first (OWASP "CSV injection").
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One comment as a line of the export. */
export function exportLine(row: ExportRow, format: ExportFormat, withStatus: boolean): string {
  const c = row.comment;
  if (format === 'jsonl') {
    const out: Record<string, unknown> = {
      id: c.id,
      eventId: c.eventId,
      seq: c.seq,
      user: { id: c.user.id, name: c.user.name },
      text: c.text,
      createdAt: c.createdAt,
    };
    if (c.parentId !== undefined) out.parentId = c.parentId;
    if (withStatus) out.status = row.status;
    return `${JSON.stringify(out)}\n`;
  }
  const cells = [c.id, c.seq, c.createdAt, c.user.id, c.user.name, c.parentId, c.text].map(csvCell);
  if (withStatus) cells.push(csvCell(row.status));
  return `${cells.join(',')}\r\n`;
}

/**
 * The lines of an export, one store page at a time: the next page is read only when the
 * consumer asks for more (a stream pulls as the client reads). Without `withStatus`, only
 * published comments (the chat as viewers saw it); with it, every comment the store kept
 * (held, rejected, deleted ones without their text) and its status.
 */
export async function* exportLines(
  store: Pick<ChatArchive, 'exportPage'>,
  eventId: string,
  format: ExportFormat,
  withStatus: boolean,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${[...CSV_COLUMNS, ...(withStatus ? ['status'] : [])].join(',')}\r\n`;
  let after = '';
  for (;;) {
    const rows = await store.exportPage(eventId, after, EXPORT_PAGE);
    let chunk = '';
    for (const row of rows) {
      if (withStatus || row.status === 'published') chunk += exportLine(row, format, withStatus);
    }
    if (chunk) yield chunk;
    if (rows.length < EXPORT_PAGE) return;
    after = rows[rows.length - 1]!.comment.id;
  }
}

/** Who may export, and how many exports run at once. */
export class ChatExport {
  private readonly byUser = new Map<string, number>();
  private readonly byEvent = new Map<string, number>();

  constructor(
    private readonly store: Pick<ChatArchive, 'exportPage'>,
    private readonly roles: Pick<EventRoles, 'powers'>,
    private readonly bans: BanLookup,
  ) {}

  /**
   * The export's lines, for the owner or a moderator of the event; `rate_limited` when the
   * user or the event already has `MAX_EXPORTS` running. The slot is freed by `release` (call it
   * when the response closes) or when the lines end, whichever comes first.
   */
  async open(
    actor: Principal,
    event: EventRecord,
    format: ExportFormat,
    withStatus: boolean,
  ): Promise<{ lines: AsyncGenerator<string>; release: () => void }> {
    await requireModerator(
      actor,
      event.id,
      await this.roles.powers(event),
      this.bans,
      'only the event owner or a moderator may export its chat',
    );
    if ((this.byUser.get(actor.id) ?? 0) >= MAX_EXPORTS || (this.byEvent.get(event.id) ?? 0) >= MAX_EXPORTS) {
      throw errors.rateLimited(5_000, 'too many exports running; wait for one to finish');
    }
    bump(this.byUser, actor.id, 1);
    bump(this.byEvent, event.id, 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      bump(this.byUser, actor.id, -1);
      bump(this.byEvent, event.id, -1);
    };
    const all = exportLines(this.store, event.id, format, withStatus);
    async function* lines(): AsyncGenerator<string> {
      try {
        yield* all;
      } finally {
        release();
      }
    }
    return { lines: lines(), release };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
