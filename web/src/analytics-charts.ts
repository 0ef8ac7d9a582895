/**
 * Hand-written SVG charts of per-minute series for the console's Analytics view: bars or lines,
 * drawn at the width they are shown at (so labels stay readable on a phone), coloured from the
 * theme's variables, each with a title and a description for screen readers (the view adds a
 * table of the same numbers).
 */

const SVG = 'http://www.w3.org/2000/svg';

/** One series of a chart: a value per minute. */
export interface Series {
  label: string;
  /** A CSS colour, e.g. `var(--accent)`. */
  color: string;
  values: readonly number[];
}

/** What to draw. */
export interface ChartSpec {
  /** Element ids of the title and description are made from it. */
  id: string;
  title: string;
  /** The minutes' start times (epoch ms), one per value. */
  times: readonly number[];
  series: readonly Series[];
  kind: 'bars' | 'lines';
  /** Pixel width to draw at. */
  width: number;
  height?: number;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `14:05` in the reader's time zone. */
export function hhmm(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A round top for the y axis: 1, 2, 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** A sentence on the chart for screen readers: each series' total or peak and when. */
export function describe(spec: Pick<ChartSpec, 'times' | 'series' | 'kind'>): string {
  const n = spec.times.length;
  if (n === 0) return 'No minutes yet.';
  const span = `${n} minute${n === 1 ? '' : 's'} from ${hhmm(spec.times[0]!)} to ${hhmm(spec.times[n - 1]!)}`;
  const parts = spec.series.map((s) => {
    let peak = 0;
    let at = 0;
    let sum = 0;
    s.values.forEach((v, i) => {
      sum += v;
      if (v > peak) {
        peak = v;
        at = i;
      }
    });
    const when = peak > 0 ? ` at ${hhmm(spec.times[at]!)}` : '';
    return spec.kind === 'bars'
      ? `${s.label}: ${sum.toLocaleString()} in all, at most ${peak.toLocaleString()} a minute${when}`
      : `${s.label}: highest ${peak.toLocaleString()}${when}`;
  });
  return `${span}. ${parts.join('; ')}.`;
}

/** Draws the chart as an `<svg role="img">` labelled by its `<title>` and `<desc>`. */
export function chart(spec: ChartSpec): SVGSVGElement {
  const width = Math.max(240, Math.floor(spec.width));
  const height = spec.height ?? 170;
  const pad = { left: 36, right: 8, top: 10, bottom: 24 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const n = spec.times.length;
  const max = niceMax(Math.max(0, ...spec.series.flatMap((s) => s.values)));
  const svg = el('svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    class: 'chart',
    'aria-labelledby': `${spec.id}-title ${spec.id}-desc`,
  });
  svg.append(el('title', { id: `${spec.id}-title` }, spec.title));
  svg.append(el('desc', { id: `${spec.id}-desc` }, describe(spec)));

  // The y axis: 0, half and the top, with light grid lines.
  for (const f of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - f);
    svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'chart-grid' }));
    const value = max * f;
    const text = Number.isInteger(value) ? value.toLocaleString() : value.toFixed(1);
    svg.append(el('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-label' }, text));
  }
  if (n === 0) return svg;

  // The x axis: a time label at least 64 px apart.
  const step = plotW / n;
  const every = Math.max(1, Math.ceil(64 / step));
  for (let i = 0; i < n; i += every) {
    const x = pad.left + step * (i + 0.5);
    svg.append(el('text', { x, y: height - 6, 'text-anchor': 'middle', class: 'chart-label' }, hhmm(spec.times[i]!)));
  }
  const yOf = (v: number) => pad.top + plotH * (1 - v / max);
  if (spec.kind === 'bars') {
    const groups = spec.series.length;
    const barW = Math.min(40, Math.max(1, (step * 0.8) / groups));
    const inset = (step - barW * groups) / 2;
    spec.series.forEach((s, g) => {
      const path: string[] = [];
      s.values.forEach((v, i) => {
        if (v <= 0) return;
        const x = pad.left + step * i + inset + barW * g;
        const y = yOf(v);
        path.push(
          `M${x.toFixed(1)} ${(pad.top + plotH).toFixed(1)}V${y.toFixed(1)}h${barW.toFixed(1)}V${pad.top + plotH}Z`,
        );
      });
      // Colours as style, not attributes: presentation attributes take no CSS variables.
      svg.append(el('path', { d: path.join(''), style: `fill: ${s.color}`, class: 'chart-bars' }));
    });
  } else {
    for (const s of spec.series) {
      const points = s.values.map((v, i) => `${(pad.left + step * (i + 0.5)).toFixed(1)},${yOf(v).toFixed(1)}`);
      svg.append(
        el('polyline', {
          points: points.join(' '),
          fill: 'none',
          style: `stroke: ${s.color}`,
          'stroke-width': 2,
          'stroke-linejoin': 'round',
          class: 'chart-line',
        }),
      );
      if (n === 1)
        svg.append(el('circle', { cx: pad.left + step / 2, cy: yOf(s.values[0]!), r: 3, style: `fill: ${s.color}` }));
    }
  }
  return svg;
}

/** A legend for a chart of several series (colour swatches and labels). */
export function legend(series: readonly Series[]): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  for (const s of series) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = s.color;
    swatch.setAttribute('aria-hidden', 'true');
    item.append(swatch, s.label);
    list.append(item);
  }
  return list;
}
