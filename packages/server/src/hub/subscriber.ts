import type { WireFormat } from './frames.js';

/** Why the hub lets go of a subscriber. */
export type CloseReason = 'slow' | 'shutdown' | 'gone';

/**
 * The one shape every transport maps its connection onto. The hub writes ready-made bytes and
 * reads how many are still buffered; transports hold no comment logic.
 */
export interface Subscriber {
  readonly format: WireFormat;
  /** Writes one frame. Returns false when the subscriber is done (a long poll after its answer). */
  write(frame: Buffer): boolean;
  /** Bytes written but not yet handed to the kernel. */
  buffered(): number;
  /** Ends the connection (the transport picks the close code for the reason). */
  close(reason: CloseReason): void;
}
