/**
 * Moderators' decisions as labeled examples, appended one JSON object a line to
 * `<dataDir>/moderation/examples.jsonl`; the retrain command reads them with the base data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LabeledExample } from './moderator.js';

/** Where the examples of a data folder are. */
export function examplesPath(dataDir: string): string {
  return join(dataDir, 'moderation', 'examples.jsonl');
}

/** Appends one example (writes are queued, so lines never interleave). */
export class ExampleLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  append(example: LabeledExample): Promise<void> {
    const line = `${JSON.stringify(example)}\n`;
    this.tail = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, 'utf8');
    });
    return this.tail;
  }

  /** Waits for queued writes. */
  flush(): Promise<void> {
    return this.tail;
  }
}

/** Reads the examples of a file; bad lines are skipped. */
export function readExamples(path: string): LabeledExample[] {
  if (!existsSync(path)) return [];
  const out: LabeledExample[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as LabeledExample;
      if (typeof e.text === 'string' && (e.label === 'approve' || e.label === 'reject')) out.push(e);
    } catch {
      // A torn last line after a crash: skip it.
    }
  }
  return out;
}
