import type { Writable } from 'node:stream';
import type { WireFormat } from './frames.js';

/** Why the hub lets go of a subscriber. */
export type CloseReason = 'slow' | 'shutdown' | 'gone';

/**
 * The one shape every transport maps its connection onto. The hub writes ready-made bytes and
 * reads how many are still buffered; transports hold no comment logic.
 */
export interface Subscriber {
  /** The wire format it speaks (shared by every subscriber of its transport). */
  readonly format: WireFormat;
  /**
   * Who is watching (`viewerKeys`), for a filtered view: entries that concern the viewer (replies
   * to their comments, mentions of them) reach them whatever the view leaves out.
   */
  readonly viewer?: readonly string[];
  /** Writes one frame. Returns false when the subscriber is done (a long poll after its answer). */
  write(frame: Buffer): boolean;
  /** Bytes written but not yet handed to the kernel. */
  buffered(): number;
  /** Resolves when it takes more without queueing (or is gone): catch-up writes its next page then. */
  drained(): Promise<void>;
  /** Ends the connection (the transport picks the close code for the reason). */
  close(reason: CloseReason): void;
}

/** Resolves once a socket has drained what it queued, or closed. */
export function socketDrained(socket: Writable): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    function done(): void {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    }
    socket.on('drain', done);
    socket.on('close', done);
  });
}
