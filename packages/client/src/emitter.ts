/** A tiny typed event emitter: `on` returns the function that removes the handler. */
// biome-ignore lint/suspicious/noExplicitAny: handler maps are checked at the call sites.
export class Emitter<Events extends { [K in keyof Events]: (...args: any[]) => void }> {
  #handlers = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a handler; returns its remover. */
  on<K extends keyof Events>(name: K, handler: Events[K]): () => void {
    let set = this.#handlers.get(name);
    if (!set) {
      set = new Set();
      this.#handlers.set(name, set);
    }
    set.add(handler);
    return () => this.off(name, handler);
  }

  /** Adds a handler that runs once; returns its remover. */
  once<K extends keyof Events>(name: K, handler: Events[K]): () => void {
    const wrapper = ((...args: Parameters<Events[K]>) => {
      this.off(name, wrapper);
      (handler as (...a: Parameters<Events[K]>) => void)(...args);
    }) as Events[K];
    return this.on(name, wrapper);
  }

  /** Removes a handler. */
  off<K extends keyof Events>(name: K, handler: Events[K]): void {
    this.#handlers.get(name)?.delete(handler);
  }

  /** Calls every handler of `name`; a throwing handler is reported and does not stop the others. */
  protected emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const set = this.#handlers.get(name);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (err) {
        // An application bug must not break the connection: report it and go on.
        const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
        if (report) report(err);
        else console.error(err);
      }
    }
  }

  /** Drops every handler. */
  protected removeAllHandlers(): void {
    this.#handlers.clear();
  }
}
