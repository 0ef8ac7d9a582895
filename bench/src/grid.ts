// The grid: CPU per delivery and latency over viewer counts x comment rates, one server per viewer
// count (fresh data folder), the rates run in turn on the same viewers. Drawn as an SVG: one line
// per viewer count over the rate, µs of server CPU per delivered comment and p99, beside the lines
// of another grid's result file when one is given (`--compare`: an earlier build, another server).
import { readFileSync } from 'node:fs';
import { FanoutRun, fmt, type StageResult } from './fanout.js';
import type { Options } from './options.js';
import { startServer } from './server.js';

/** One cell of the grid. */
export interface GridPoint {
  viewers: number;
  rate: number;
  deliveredPerSecond: number;
  /** Server CPU µs per delivered comment (= CPU seconds per million). */
  cpuMicros: number | null;
  p50: number;
  p99: number;
  loss: number;
  closed: number;
  saturated: string[];
}

/** Runs every cell; a viewer count's rates go from low to high, so an overload comes last. */
export async function runGrid(o: Options): Promise<{ result: Record<string, unknown>; svg: string }> {
  const points: GridPoint[] = [];
  for (const viewers of o.gridViewers) {
    const server = await startServer({ cpus: o.serverCpus, env: o.env, nodeArgs: o.nodeArgs });
    const run = new FanoutRun(server, { ...o, viewers, rate: o.gridRates[0]! });
    try {
      await run.setUp();
      for (const rate of [...o.gridRates].sort((a, b) => a - b)) {
        const stage = await run.stage(rate, o.warmup, o.duration);
        const point = pointOf(viewers, stage);
        points.push(point);
        process.stderr.write(
          `grid: ${viewers} viewers x ${rate}/s -> ${fmt(point.deliveredPerSecond)}/s, ` +
            `${point.cpuMicros ?? '-'} µs per delivery, p50 ${point.p50} ms, p99 ${point.p99} ms, loss ${point.loss}` +
            `${point.saturated.length ? ` (${point.saturated.join('; ')})` : ''}\n`,
        );
      }
    } finally {
      run.close();
      await server.stop();
    }
  }
  const compare = o.gridCompare ? comparedPoints(o.gridCompare) : null;
  const label = o.label || 'this server';
  return {
    result: { label, points, ...(compare ? { compare: { file: o.gridCompare, label: compare.label } } : {}) },
    svg: gridChart(points, label, compare),
  };
}

function pointOf(viewers: number, s: StageResult): GridPoint {
  return {
    viewers,
    rate: s.rate,
    deliveredPerSecond: s.deliveredPerSecond,
    cpuMicros: s.serverCpuSecondsPerMillion,
    p50: s.latencyMs.p50,
    p99: s.latencyMs.p99,
    loss: s.loss,
    closed: s.closed,
    saturated: s.saturated,
  };
}

/** The points of another grid result file (bench/results/NAME.json of a `--grid` run). */
function comparedPoints(file: string): { label: string; points: GridPoint[] } {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { label?: string; points?: GridPoint[] };
  if (!Array.isArray(data.points)) throw new Error(`${file} is not the result of a --grid run`);
  return { label: data.label ?? file, points: data.points };
}

const PANEL_W = 520;
const PANEL_H = 340;
const PAD = { l: 60, r: 20, t: 40, b: 44 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/**
 * Two panels over the comment rate (log scale): µs of server CPU per delivery (log) and p99 (ms,
 * log), one colour per viewer count; this server's lines solid, the compared ones dashed.
 */
export function gridChart(
  points: readonly GridPoint[],
  label: string,
  compare: { label: string; points: readonly GridPoint[] } | null,
): string {
  const all = [...points, ...(compare?.points ?? [])];
  const viewerCounts = [...new Set(all.map((p) => p.viewers))].sort((a, b) => a - b);
  const rates = all.map((p) => p.rate).filter((r) => r > 0);
  const panels = [
    { title: 'server CPU per delivered comment (µs)', pick: (p: GridPoint) => p.cpuMicros },
    { title: 'p99 latency, post to delivery (ms)', pick: (p: GridPoint) => p.p99 },
  ];
  const width = PANEL_W * panels.length;
  const legendH = 22 * (compare ? 2 : 1) + 22;
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const values = all.map(panel.pick).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
    const x = logScale(Math.min(...rates), Math.max(...rates), i * PANEL_W + PAD.l, (i + 1) * PANEL_W - PAD.r);
    const y = logScale(Math.min(...values), Math.max(...values), PANEL_H - PAD.b, PAD.t);
    parts.push(
      `<text x="${i * PANEL_W + PANEL_W / 2}" y="20" text-anchor="middle" font-weight="bold">${panel.title}</text>`,
    );
    parts.push(axes(x, y, i));
    viewerCounts.forEach((viewers, k) => {
      const color = COLORS[k % COLORS.length]!;
      parts.push(series(points, viewers, panel.pick, x, y, color, ''));
      if (compare) parts.push(series(compare.points, viewers, panel.pick, x, y, color, '6 4'));
    });
  });
  // Legend: one swatch per viewer count, then which line style is which server.
  const ly = PANEL_H + 16;
  viewerCounts.forEach((viewers, k) => {
    const lx = PAD.l + k * 110;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${COLORS[k % COLORS.length]}"/>`);
    parts.push(`<text x="${lx + 20}" y="${ly}">${fmt(viewers)} viewers</text>`);
  });
  parts.push(legendLine(PAD.l, ly + 22, '', xmlText(label)));
  if (compare) parts.push(legendLine(PAD.l, ly + 44, '6 4', xmlText(compare.label)));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_H + legendH + 10}" ` +
    `font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`
  );
}

interface Scale {
  (v: number): number;
  ticks: number[];
  from: number;
  to: number;
}

/** A log scale from [lo, hi] to [from, to], with ticks at 1, 2 and 5 of each decade. */
function logScale(lo: number, hi: number, from: number, to: number): Scale {
  const a = Math.log10(Number.isFinite(lo) && lo > 0 ? lo : 1);
  let b = Math.log10(Number.isFinite(hi) && hi > 0 ? hi : 10);
  if (b - a < 0.5) b = a + 0.5;
  const scale = ((v: number) => from + ((to - from) * (Math.log10(v) - a)) / (b - a)) as Scale;
  scale.ticks = [];
  for (let d = Math.floor(a); d <= Math.ceil(b); d++)
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** d;
      if (Math.log10(t) >= a - 1e-9 && Math.log10(t) <= b + 1e-9) scale.ticks.push(t);
    }
  scale.from = from;
  scale.to = to;
  return scale;
}

function axes(x: Scale, y: Scale, panel: number): string {
  const out: string[] = [];
  for (const t of x.ticks) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${y.to}" y2="${y.from}" stroke="#eee"/>`);
    out.push(`<text x="${x(t)}" y="${y.from + 16}" text-anchor="middle">${tick(t)}</text>`);
  }
  for (const t of y.ticks) {
    out.push(`<line x1="${x.from}" x2="${x.to}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    out.push(`<text x="${x.from - 6}" y="${y(t) + 4}" text-anchor="end">${tick(t)}</text>`);
  }
  out.push(
    `<text x="${panel * PANEL_W + PANEL_W / 2}" y="${y.from + 34}" text-anchor="middle">comments per second</text>`,
  );
  return out.join('');
}

function series(
  points: readonly GridPoint[],
  viewers: number,
  pick: (p: GridPoint) => number | null,
  x: Scale,
  y: Scale,
  color: string,
  dash: string,
): string {
  const xy = points
    .filter((p) => p.viewers === viewers && p.rate > 0)
    .sort((a, b) => a.rate - b.rate)
    .map((p) => ({ p, v: pick(p) }))
    .filter((d): d is { p: GridPoint; v: number } => d.v !== null && Number.isFinite(d.v) && d.v > 0);
  if (xy.length === 0) return '';
  const path = xy.map((d, i) => `${i === 0 ? 'M' : 'L'}${x(d.p.rate).toFixed(1)},${y(d.v).toFixed(1)}`).join('');
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  // A cell with loss or cut-off viewers is drawn hollow.
  const dots = xy
    .map(
      (d) =>
        `<circle cx="${x(d.p.rate).toFixed(1)}" cy="${y(d.v).toFixed(1)}" r="3" stroke="${color}" ` +
        `fill="${d.p.loss > 0 || d.p.closed > 0 ? 'white' : color}"/>`,
    )
    .join('');
  return `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${dashed}/>${dots}`;
}

function legendLine(x: number, y: number, dash: string, text: string): string {
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<line x1="${x}" x2="${x + 40}" y1="${y - 4}" y2="${y - 4}" stroke="#333" stroke-width="2"${dashed}/><text x="${x + 48}" y="${y}">${text}</text>`;
}

function tick(v: number): string {
  return v >= 1000 ? `${v / 1000}k` : String(Number(v.toPrecision(3)));
}

function xmlText(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
