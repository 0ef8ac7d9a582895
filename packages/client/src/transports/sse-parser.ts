/** One Server-Sent Event. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events"):
 * feed it decoded text in chunks of any size, get whole events back. Comment lines (heartbeats)
 * and `retry:` are skipped.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;

  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const nl = this.#findLineEnd(start);
      if (nl < 0) break;
      const line = this.#buffer.slice(start, nl);
      // A CR LF pair is one line end.
      start = this.#buffer[nl] === '\r' && this.#buffer[nl + 1] === '\n' ? nl + 2 : nl + 1;
      const message = this.#line(line);
      if (message) out.push(message);
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  /** Index of the next CR or LF at or after `from`; -1 when none, or a CR that may be half a CR LF. */
  #findLineEnd(from: number): number {
    for (let i = from; i < this.#buffer.length; i++) {
      const c = this.#buffer[i];
      if (c === '\n') return i;
      if (c === '\r') return i + 1 < this.#buffer.length ? i : -1;
    }
    return -1;
  }

  /** Applies one line; a blank line dispatches the event gathered so far. */
  #line(line: string): SseMessage | undefined {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = '';
        return undefined;
      }
      const message: SseMessage = { event: this.#event || 'message', data: this.#data.join('\n') };
      if (this.#id !== undefined) message.id = this.#id;
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }
}
