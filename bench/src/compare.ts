// `--compare nchan`: the results of this server and of Nchan under the same load, side by side as
// a Markdown table (the rows BENCHMARKS.md shows).
import type { ServerKind } from './protocol.js';

/** One server's result of a fan-out or sweep run, as cli.ts writes it. */
export interface Compared {
  server: ServerKind;
  result: Record<string, unknown>;
}

const HEADS: Record<ServerKind, string> = { livecomments: 'this project', nchan: 'Nchan' };

/** A Markdown table with one column per server and one row per figure. */
export function comparisonTable(runs: readonly Compared[]): string {
  const sweep = runs.some((r) => r.result.kind === 'sweep');
  const rows: [string, (r: Record<string, unknown>) => string][] = sweep
    ? [
        ['highest rate passing (comments/s)', (r) => num(r.sustainedRate)],
        ['deliveries/s there', (r) => num(r.sustainedDeliveredPerSecond)],
        ['p99 there (ms)', (r) => num(r.sustainedP99Ms)],
        ['viewers open', (r) => num(r.viewersOpen)],
        ['load average at the end', load],
      ]
    : [
        ['posted/s', (r) => num(r.postedPerSecond)],
        ['delivered/s', (r) => num(r.deliveredPerSecond)],
        ['latency p50 / p99 (ms)', (r) => `${num(latency(r).p50)} / ${num(latency(r).p99)}`],
        ['server CPU (% of a core)', (r) => num(r.serverCpuPercent)],
        ['server CPU per delivery (µs)', (r) => num(r.serverCpuSecondsPerMillion)],
        ['server RSS (MB)', (r) => num(r.serverRssMB)],
        ['loss / duplicates', (r) => `${num(r.loss)} / ${num(r.duplicates)}`],
        ['viewers open', (r) => num(r.viewersOpen)],
        ['load generator CPU (%)', (r) => num(r.loadCpuPercent)],
        ['saturated', (r) => (Array.isArray(r.saturated) && r.saturated.length ? r.saturated.join('; ') : 'no')],
        ['load average at the end', load],
      ];
  const lines = [
    `| ${[describe(runs[0]?.result ?? {}), ...runs.map((r) => HEADS[r.server])].join(' | ')} |`,
    `|${' --- |'.repeat(runs.length + 1)}`,
    ...rows.map(([label, cell]) => `| ${[label, ...runs.map((r) => cell(r.result))].join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** "500 ws viewers x 20/s, 10 s" from the run's recorded options. */
function describe(r: Record<string, unknown>): string {
  const rate = r.kind === 'sweep' ? `sweep from ${r.rate}/s` : `${r.rate}/s`;
  return `${r.viewers} ${r.transport} viewers x ${rate}, ${r.duration} s`;
}

function latency(r: Record<string, unknown>): { p50?: unknown; p99?: unknown } {
  return (r.latencyMs as { p50?: unknown; p99?: unknown } | undefined) ?? {};
}

/** The 1, 5 and 15 minute load averages of /proc/loadavg. */
function load(r: Record<string, unknown>): string {
  return typeof r.loadavg === 'string' ? r.loadavg.split(' ').slice(0, 3).join(' ') : '-';
}

function num(x: unknown): string {
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : '-';
}
