/**
 * The console's Analytics view (`#analytics`): the event's totals, charts of comments, viewers,
 * reactions and moderation by minute, top chatters and counts by reason, from
 * `GET /v1/events/:id/analytics`, refreshed while the view is shown.
 */
import type { LiveCommentsApi } from '@livecomments/client';
import { chart, legend, type Series } from './analytics-charts.js';
import { h } from './dom.js';

/** One minute of the answer. */
interface Minute {
  t: number;
  comments: number;
  viewers: number;
  avgViewers: number;
  newChatters: number;
  reactions: number;
  held: number;
  blocked: number;
  deleted: number;
  decisions: number;
  avgDecisionMs: number;
}

/** The answer of the analytics endpoint. */
export interface AnalyticsBody {
  totals: Record<string, number>;
  minutes: Minute[];
  topChatters: { userId: string; name: string; comments: number }[];
  reasons: Record<'held' | 'blocked' | 'deleted', Record<string, number>>;
  countedSeq: number;
}

const REFRESH_MS = 5000;

/** The tiles of totals: key in `totals`, label. */
const TILES: [string, string][] = [
  ['comments', 'Comments'],
  ['uniqueChatters', 'Unique chatters'],
  ['peakViewers', 'Peak viewers'],
  ['avgViewers', 'Average viewers'],
  ['reactions', 'Reactions'],
  ['held', 'Held'],
  ['blocked', 'Blocked'],
  ['deleted', 'Deleted'],
  ['avgDecisionMs', 'Review time (avg)'],
];

/** A duration as people read it: `850 ms`, `42 s`, `3 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Minutes merged `size` at a time (sums, peaks kept, averages averaged), so bars stay a few pixels wide. */
function bucket(minutes: readonly Minute[], size: number): Minute[] {
  if (size <= 1) return [...minutes];
  const out: Minute[] = [];
  for (let i = 0; i < minutes.length; i += size) {
    const part = minutes.slice(i, i + size);
    const sum = (k: keyof Minute) => part.reduce((n, m) => n + m[k], 0);
    out.push({
      t: part[0]!.t,
      comments: sum('comments'),
      viewers: Math.max(...part.map((m) => m.viewers)),
      avgViewers: Math.round((sum('avgViewers') / part.length) * 10) / 10,
      newChatters: sum('newChatters'),
      reactions: sum('reactions'),
      held: sum('held'),
      blocked: sum('blocked'),
      deleted: sum('deleted'),
      decisions: sum('decisions'),
      avgDecisionMs: 0,
    });
  }
  return out;
}

/** The Analytics view of one event. */
export class AnalyticsView {
  private data: AnalyticsBody | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly totals = h('dl', { class: 'stat-tiles', id: 'a-totals' });
  private readonly charts = h('div', { class: 'charts', id: 'a-charts' });
  private readonly tables = h('div', { class: 'analytics-tables' });
  private readonly updated = h('span', { class: 'hint', id: 'a-updated', role: 'status' });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: LiveCommentsApi,
    private readonly eventId: string,
  ) {
    const refresh = h('button', { class: 'btn small', type: 'button', onclick: () => void this.load() }, 'Refresh');
    const json = h('button', { class: 'btn small', type: 'button', onclick: () => this.download() }, 'Download JSON');
    root.replaceChildren(
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'analytics-title', tabindex: -1 }, 'Analytics'),
        h('div', { class: 'switch-row' }, this.updated, refresh, json),
      ),
      this.totals,
      this.charts,
      this.tables,
    );
    let resizing: ReturnType<typeof setTimeout> | undefined;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => this.render(), 150);
    });
  }

  /** Shows or hides the view; shown, it loads now and every few seconds. */
  show(visible: boolean): void {
    this.root.hidden = !visible;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!visible) return;
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  /** Reads the analytics and draws them. */
  async load(): Promise<void> {
    this.root.dataset.loads = String(Number(this.root.dataset.loads ?? 0) + 1);
    try {
      this.data = await this.api.request<AnalyticsBody>(
        'GET',
        `/v1/events/${encodeURIComponent(this.eventId)}/analytics?top=10`,
      );
      this.updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      this.render();
    } catch (err) {
      this.updated.textContent = `Could not load: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private render(): void {
    const data = this.data;
    if (!data || this.root.hidden) return;
    this.root.dataset.countedSeq = String(data.countedSeq);
    this.totals.replaceChildren(
      ...TILES.map(([key, label]) => {
        const value = data.totals[key] ?? 0;
        const text =
          key === 'avgDecisionMs'
            ? data.totals.approved! + data.totals.rejected! > 0
              ? duration(value)
              : '–'
            : value.toLocaleString();
        return h('div', { class: 'tile' }, h('dt', {}, label), h('dd', { 'data-total': key }, text));
      }),
    );
    // Drawn at the width of one grid cell (one or two columns, by the stylesheet).
    const columns = getComputedStyle(this.charts).gridTemplateColumns.split(' ').length || 1;
    const width = Math.max(240, (this.charts.clientWidth - 16 * (columns - 1)) / columns - 2);
    const size = Math.max(1, Math.ceil(data.minutes.length / Math.max(1, (width - 44) / 4)));
    const minutes = bucket(data.minutes, size);
    const times = minutes.map((m) => m.t);
    const per = size > 1 ? `per ${size} minutes` : 'per minute';
    const of = (k: keyof Minute) => minutes.map((m) => m[k]);
    this.charts.replaceChildren(
      this.figure('a-comments', `Comments ${per}`, 'bars', times, width, [
        { label: 'Comments', color: 'var(--accent)', values: of('comments') },
      ]),
      this.figure('a-viewers', 'Viewers', 'lines', times, width, [
        { label: 'Peak', color: 'var(--accent)', values: of('viewers') },
        { label: 'Average', color: 'var(--ok)', values: of('avgViewers') },
      ]),
      this.figure('a-reactions', `Reactions ${per}`, 'bars', times, width, [
        { label: 'Reactions', color: 'var(--warn)', values: of('reactions') },
      ]),
      this.figure('a-moderation', `Moderation ${per}`, 'bars', times, width, [
        { label: 'Held', color: 'var(--warn)', values: of('held') },
        { label: 'Blocked', color: 'var(--bad)', values: of('blocked') },
        { label: 'Deleted', color: 'var(--muted)', values: of('deleted') },
      ]),
    );
    this.tables.replaceChildren(this.topTable(data), this.reasonTable(data));
  }

  /** A chart in a figure with its legend and, behind a disclosure, the same numbers as a table. */
  private figure(
    id: string,
    title: string,
    kind: 'bars' | 'lines',
    times: number[],
    width: number,
    series: Series[],
  ): HTMLElement {
    const rows = times
      .map((t, i) => ({ t, values: series.map((s) => s.values[i] ?? 0) }))
      .filter((r) => r.values.some((v) => v > 0));
    const table = h(
      'table',
      { class: 'data-table' },
      h('caption', { class: 'sr-only' }, title),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Minute'), ...series.map((s) => h('th', { scope: 'col' }, s.label))),
      ),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, new Date(r.t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
            ...r.values.map((v) => h('td', {}, v.toLocaleString())),
          ),
        ),
      ),
    );
    return h(
      'figure',
      { class: 'chart-card', id },
      h('figcaption', {}, title),
      chart({ id: `${id}-svg`, title, kind, times, series, width }),
      series.length > 1 ? legend(series) : null,
      h(
        'details',
        {},
        h('summary', {}, rows.length > 0 ? 'Show as a table' : 'Nothing yet to show as a table'),
        rows.length > 0 ? table : null,
      ),
    );
  }

  private topTable(data: AnalyticsBody): HTMLElement {
    return h(
      'section',
      { class: 'chart-card', 'aria-labelledby': 'a-top-title' },
      h('h3', { id: 'a-top-title' }, 'Top chatters'),
      data.topChatters.length === 0
        ? h('p', { class: 'viewers' }, 'Nobody has commented yet.')
        : h(
            'table',
            { class: 'data-table', id: 'a-top' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Comments'))),
            h(
              'tbody',
              {},
              ...data.topChatters.map((c) =>
                h(
                  'tr',
                  { 'data-user': c.userId },
                  h('th', { scope: 'row' }, c.name),
                  h('td', {}, c.comments.toLocaleString()),
                ),
              ),
            ),
          ),
    );
  }

  private reasonTable(data: AnalyticsBody): HTMLElement {
    const rows: HTMLElement[] = [];
    for (const [kind, label] of [
      ['held', 'Held'],
      ['blocked', 'Blocked'],
      ['deleted', 'Deleted'],
    ] as const) {
      for (const [reason, n] of Object.entries(data.reasons[kind] ?? {})) {
        rows.push(
          h(
            'tr',
            { 'data-kind': kind },
            h('td', {}, label),
            h('th', { scope: 'row' }, reason),
            h('td', {}, n.toLocaleString()),
          ),
        );
      }
    }
    return h(
      'section',
      { class: 'chart-card', 'aria-labelledby': 'a-reasons-title' },
      h('h3', { id: 'a-reasons-title' }, 'Held, blocked and deleted, by reason'),
      rows.length === 0
        ? h('p', { class: 'viewers' }, 'Nothing held, blocked or deleted.')
        : h(
            'table',
            { class: 'data-table', id: 'a-reasons' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'What'),
                h('th', { scope: 'col' }, 'Reason'),
                h('th', { scope: 'col' }, 'Count'),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
    );
  }

  private download(): void {
    if (!this.data) return;
    const blob = new Blob([JSON.stringify(this.data, null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `analytics-${this.eventId}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}
