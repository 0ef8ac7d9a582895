// Messages between the bench's main process and its load processes (viewer hosts, the poster).

/** The servers the bench can load: this project's, or nginx with Nchan (nchan.ts) for comparison. */
export type ServerKind = 'livecomments' | 'nchan';

/** A viewer's transport. */
export type Transport = 'ws' | 'sse' | 'poll';

/** What a viewer host is asked to open. */
export interface HostPlan {
  host: string;
  port: number;
  /** This process's own address towards the server (idle runs on loopback: one per process). */
  localAddress?: string;
  eventIds: string[];
  /** One per viewer: its event (index into eventIds) and transport. */
  viewers: { event: number; transport: Transport }[];
  /** Handshakes in flight at once. */
  concurrency: number;
  /** Idle viewers: open only, no accounting needed (memory per connection). */
  idle: boolean;
  /** `rate=R`: viewers follow a sampled tier (gaps are the tier's, not loss); 0 for every comment. */
  sampleRate?: number;
  /** Whose paths to subscribe on (absent: this project's). */
  server?: ServerKind;
  /** WebSocket viewers offer permessage-deflate. */
  deflate?: boolean;
}

/** Counters of a viewer host since its last report. */
export interface HostReport {
  type: 'report';
  open: number;
  failed: number;
  closed: number;
  delivered: number;
  duplicates: number;
  gaps: number;
  disorder: number;
  frames: number;
  bytes: number;
  /** Bytes read off the viewers' sockets (what crossed the wire, compressed or not). */
  wireBytes: number;
  /** Frames that came compressed (RSV1). */
  compressedFrames: number;
  /** Frames of reaction counts (one per window per viewer at most). */
  reactionFrames: number;
  /** Priority (owner's) comments delivered, on a sampled tier. */
  priority: number;
  /** Latency histogram (sparse) of the comments delivered since the last report. */
  hist: number[];
  max: number;
  cpuMicros: number;
  closeReasons: Record<string, number>;
}

/** How far a host's viewers are behind the given heads. */
export interface HostLag {
  type: 'lag';
  behind: number;
  missing: number;
}

/** Messages to a viewer host. */
export type ToHost =
  | { type: 'plan'; plan: HostPlan }
  | { type: 'report' }
  | { type: 'lag'; heads: number[] }
  | { type: 'stop' };

/** Messages from a viewer host. */
export type FromHost = { type: 'opened'; open: number; failed: number } | HostReport | HostLag;

/** What the poster is asked to do. */
export interface PosterPlan {
  host: string;
  port: number;
  token: string;
  eventIds: string[];
  /** Comments per second in all (0: closed loop, as fast as `depth` allows). */
  rate: number;
  size: number;
  /** Filler after the stamp: `x`s, or chat-like words. */
  text?: 'filler' | 'chat';
  via: 'http' | 'ws';
  connections: number;
  /** Requests in flight per connection at most. */
  depth: number;
  /** Reactions per second, sent over connections of their own (absent or 0: none). */
  reactions?: number;
  /** Over WebSocket frames (no answer: a refusal comes as an error frame) or REST posts. */
  reactVia?: 'http' | 'ws';
  /** Whose API to post to (absent: this project's); Nchan gets entries with the poster's seqs. */
  server?: ServerKind;
}

/** Counters of the poster since its last report. */
export interface PosterReport {
  type: 'report';
  sent: number;
  acked: number;
  errors: number;
  /** Posts due but not sent because every connection was full: the poster could not keep up. */
  skipped: number;
  hist: number[];
  max: number;
  cpuMicros: number;
  lastError: string;
  /** Reactions accepted (202), refused, and due but not sent (every connection full). */
  reactionsAccepted: number;
  reactionErrors: number;
  reactionsSkipped: number;
  /** The last seq posted to each event, when the poster numbers the entries (Nchan); else empty. */
  heads: number[];
}

/** Messages to the poster. */
export type ToPoster =
  | { type: 'plan'; plan: PosterPlan }
  | { type: 'rate'; rate: number }
  | { type: 'report' }
  | { type: 'stop' };

/** Messages from the poster. */
export type FromPoster = { type: 'ready' } | PosterReport;
