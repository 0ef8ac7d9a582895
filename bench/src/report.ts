// The run's outputs: a JSON result and an HTML page with an SVG chart of latency percentiles
// (and deliveries) over time, under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One second of a run. */
export interface Second {
  t: number;
  phase: 'warmup' | 'measure' | 'drain' | string;
  rate: number;
  delivered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  gaps: number;
  duplicates: number;
  serverCpu: number;
  serverRssMB: number;
  loadCpu: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Where results go (gitignored). */
export const RESULTS_DIR = resolve(here, '../../results');

/**
 * Writes `<name>.json` and, with a timeline, `<name>.svg` and `<name>.html` (or the run's own
 * `svg`, the grid's plot); returns the paths.
 */
export function writeResult(name: string, result: Record<string, unknown>, timeline: Second[], svg?: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, name);
  writeFileSync(`${base}.json`, `${JSON.stringify({ ...result, timeline }, null, 2)}\n`);
  const paths = [`${base}.json`];
  if (svg) {
    writeFileSync(`${base}.svg`, svg);
    paths.push(`${base}.svg`);
  } else if (timeline.length > 0) {
    const svg = chart(timeline, String(result.title ?? name));
    writeFileSync(`${base}.svg`, svg);
    writeFileSync(`${base}.html`, page(name, result, svg));
    paths.push(`${base}.svg`, `${base}.html`);
  }
  return paths;
}

const W = 900;
const H = 260;
const PAD = { l: 60, r: 70, t: 30, b: 30 };

/** Latency percentiles (ms, log scale) and deliveries per second over time. */
export function chart(timeline: Second[], title: string): string {
  const tMax = Math.max(1, ...timeline.map((s) => s.t));
  const x = (t: number) => PAD.l + ((W - PAD.l - PAD.r) * t) / tMax;
  const lat = timeline.flatMap((s) => [s.p50, s.p99, s.max]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(1, ...lat);
  const hi = Math.max(100, ...lat);
  const y = (ms: number) =>
    H -
    PAD.b -
    ((H - PAD.t - PAD.b) * (Math.log10(Math.max(ms, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const dMax = Math.max(1, ...timeline.map((s) => s.delivered));
  const yd = (d: number) => H - PAD.b - ((H - PAD.t - PAD.b) * d) / dMax;
  const line = (pick: (s: Second) => number, scale: (v: number) => number, color: string, dash = '') => {
    const pts = timeline
      .filter((s) => Number.isFinite(pick(s)))
      .map((s) => `${x(s.t).toFixed(1)},${scale(pick(s)).toFixed(1)}`)
      .join(' ');
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${pts}"/>`;
  };
  const ticks: string[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = 10 ** e;
    if (v < lo || v > hi) continue;
    ticks.push(
      `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>` +
        `<text x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${v} ms</text>`,
    );
  }
  const measure = timeline.filter((s) => s.phase === 'measure');
  const band =
    measure.length > 0
      ? `<rect x="${x(measure[0]!.t - 1)}" y="${PAD.t}" width="${x(measure.at(-1)!.t) - x(measure[0]!.t - 1)}" height="${H - PAD.t - PAD.b}" fill="#f3f7ff"/>`
      : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" fill="white"/>${band}
<text x="${PAD.l}" y="16" font-size="13">${escapeXml(title)}</text>
${ticks.join('\n')}
<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(100)}" y2="${y(100)}" stroke="#c00" stroke-dasharray="2,3"/>
${line((s) => s.delivered, yd, '#bbb')}
${line((s) => s.p50, y, '#2a7')}
${line((s) => s.p90, y, '#27a')}
${line((s) => s.p99, y, '#a27')}
${line((s) => s.max, y, '#a72', '3,3')}
<text x="${W - PAD.r + 4}" y="${PAD.t + 8}" fill="#888">${Math.round(dMax).toLocaleString('en')}/s</text>
<text x="${W - PAD.r + 4}" y="${H - PAD.b}" fill="#888">0</text>
<text x="${PAD.l}" y="${H - 8}">seconds → (shaded: measured)  <tspan fill="#2a7">p50</tspan> <tspan fill="#27a">p90</tspan> <tspan fill="#a27">p99</tspan> <tspan fill="#a72">max</tspan> <tspan fill="#999">delivered/s (right axis)</tspan></text>
</svg>
`;
}

function page(name: string, result: Record<string, unknown>, svg: string): string {
  const { timeline: _, ...summary } = result;
  return `<!doctype html><meta charset="utf-8"><title>${escapeXml(name)}</title>
<body style="font-family:sans-serif;max-width:960px;margin:2em auto">
<h1>${escapeXml(name)}</h1>${svg}
<pre>${escapeXml(JSON.stringify(summary, null, 2))}</pre></body>
`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
