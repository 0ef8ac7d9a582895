// The sockets of the node's HTTP server (requests, streams and upgraded WebSockets alike), so a
// graceful stop can wait for them to finish and cut only what is left at its bound.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How often a draining server looks again at its sockets. */
const SETTLE_POLL_MS = 25;

/** Keeps every open socket of a server. */
export class SocketTracker {
  private readonly open = new Set<Socket>();

  constructor(private readonly server: Server) {
    const open = this.open;
    server.on('connection', function track(socket: Socket) {
      open.add(socket);
      socket.once('close', function untrack() {
        open.delete(socket);
      });
    });
  }

  /** Sockets open now. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Waits until every socket has closed, closing idle keep-alive connections as it goes, or until
   * `until` (a Date.now() time). True when none is left.
   */
  async settle(until: number): Promise<boolean> {
    while (this.open.size > 0) {
      const left = until - Date.now();
      if (left <= 0) return false;
      this.server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, Math.min(SETTLE_POLL_MS, left)));
    }
    return true;
  }

  /** Cuts whatever is still open. */
  destroyAll(): void {
    for (const socket of this.open) socket.destroy();
  }
}
