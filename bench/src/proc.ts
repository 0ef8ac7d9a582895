// CPU and memory of a process, read from /proc (Linux); zeros elsewhere.
import { readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** A reading of a process: CPU seconds so far and resident memory in bytes. */
export interface ProcSample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * Reads a process and its descendants (a server with LC_WORKERS is a primary and its workers):
 * their CPU and resident memory summed. Null when the process is gone or not Linux.
 */
export function sampleProc(pid: number): ProcSample | null {
  const own = sampleOne(pid);
  if (!own) return null;
  for (const child of childrenOf(pid)) {
    const sub = sampleProc(child);
    if (!sub) continue;
    own.cpuSeconds += sub.cpuSeconds;
    own.rssBytes += sub.rssBytes;
  }
  return own;
}

/** The child processes of `pid` (of its main thread: the server forks nowhere else). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Reads /proc/<pid>/stat and /proc/<pid>/status of one process. */
function sampleOne(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICK;
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { at: Date.now(), cpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(a: ProcSample | null, b: ProcSample | null): number {
  if (!a || !b || b.at <= a.at) return Number.NaN;
  return ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100;
}

/** The machine's load average line, recorded with every run (other work skews results). */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'latin1').trim();
  } catch {
    return 'unknown';
  }
}
