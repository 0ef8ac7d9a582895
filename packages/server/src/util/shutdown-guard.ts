import { errors } from './errors.js';

/** Refuses new work once shutdown has begun. */
export class ShutdownGuard {
  closing = false;

  /** Throws `unavailable` once the node is shutting down. */
  assertOpen(): void {
    if (this.closing) throw errors.unavailable('the server is shutting down; retry on another node');
  }
}
