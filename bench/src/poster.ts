// The poster: a load process that posts stamped comments at a set rate (open loop) over
// pipelined keep-alive HTTP or WebSocket frames, and measures the acknowledgement latency.
import { Histogram } from './histogram.js';
import { nchanEntry } from './nchan.js';
import type { FromPoster, PosterPlan, PosterReport, ToPoster } from './protocol.js';
import { nowUs, readInt, stampedText } from './scan.js';
import { type FrameSink, type HttpAnswer, HttpConn, postRequest, type Target, WsClient } from './wire.js';

const ACK = Buffer.from('{"type":"ack"');
/** The default reaction set of an event (the bench's events keep it). */
const EMOJI = ['🔥', '❤️', '😂', '👏'];
const ERROR = Buffer.from('{"type":"error"');
const STAMP = Buffer.from('"text":"~T');

/** Whether `buf` has `prefix` at `at` (no search through the rest of a long frame). */
function startsWith(buf: Buffer, at: number, prefix: Buffer): boolean {
  if (at + prefix.length > buf.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

/** One WebSocket posting connection: counts its acks (the stamp in the echoed text gives the latency). */
class WsPoster implements FrameSink {
  client: WsClient;
  inFlight = 0;
  isOpen = false;
  private ready!: () => void;
  readonly opening = new Promise<void>((r) => {
    this.ready = r;
  });

  constructor(
    target: Target,
    path: string,
    private readonly poster: Poster,
  ) {
    this.client = new WsClient(target, path, this);
  }

  frame(buf: Buffer, start: number, end: number): void {
    if (startsWith(buf, start, ACK)) {
      this.inFlight--;
      const at = buf.indexOf(STAMP, start);
      this.poster.acked(at >= 0 && at < end ? readInt(buf, at + STAMP.length) : Number.NaN);
    } else if (startsWith(buf, start, ERROR)) {
      this.inFlight--;
      this.poster.failed(buf.toString('utf8', start, Math.min(end, start + 200)));
    }
  }

  opened(): void {
    this.isOpen = true;
    this.ready();
  }

  closed(why: string): void {
    this.isOpen = false;
    this.poster.failed(`ws closed: ${why}`);
    this.ready();
  }
}

/** A WebSocket that sends reactions: frames get no answer, a refusal comes as an error frame. */
class WsReactor implements FrameSink {
  readonly client: WsClient;
  isOpen = false;
  private ready!: () => void;
  readonly opening = new Promise<void>((r) => {
    this.ready = r;
  });

  constructor(
    target: Target,
    path: string,
    private readonly refused: (why: string) => void,
  ) {
    this.client = new WsClient(target, path, this);
  }

  frame(buf: Buffer, start: number, end: number): void {
    if (startsWith(buf, start, ERROR)) this.refused(buf.toString('utf8', start, Math.min(end, start + 200)));
  }

  opened(): void {
    this.isOpen = true;
    this.ready();
  }

  closed(why: string): void {
    this.isOpen = false;
    this.refused(`ws closed: ${why}`);
    this.ready();
  }
}

/** Bytes a reaction socket may hold unsent before the reactor counts reactions as skipped. */
const REACT_BUFFER = 256 * 1024;

/** Posts at the planned rate; counts sent, acked, refused and skipped posts. */
export class Poster {
  private readonly hist = new Histogram();
  private counters = { sent: 0, acked: 0, errors: 0, skipped: 0 };
  private reacted = { reactionsAccepted: 0, reactionErrors: 0, reactionsSkipped: 0 };
  /** Connections of their own for reactions, so comment acks do not queue behind them. */
  private reactHttp: HttpConn[] = [];
  private reactWs: WsReactor[] = [];
  private reactionsDue = 0;
  private reactionsTotal = 0;
  private lastError = '';
  private cpu = process.cpuUsage();
  private http: HttpConn[] = [];
  private ws: WsPoster[] = [];
  private timer: NodeJS.Timeout | null = null;
  private rate: number;
  private startedUs = 0;
  private due = 0;
  private total = 0;
  /** Nchan: the last seq given to each event's entries (Nchan numbers nothing itself). */
  private readonly heads: number[];

  constructor(private readonly plan: PosterPlan) {
    this.rate = plan.rate;
    this.heads = plan.server === 'nchan' ? plan.eventIds.map(() => 0) : [];
  }

  async open(): Promise<void> {
    const target: Target = { host: this.plan.host, port: this.plan.port };
    if ((this.plan.reactions ?? 0) > 0 && this.plan.reactVia === 'http') {
      this.reactHttp = Array.from({ length: 2 }, () => new HttpConn(target));
      await Promise.all(this.reactHttp.map((c) => c.opened()));
    } else if ((this.plan.reactions ?? 0) > 0) {
      // One socket per event (at least two), as reacting viewers would hold.
      const n = Math.max(2, this.plan.eventIds.length);
      this.reactWs = Array.from({ length: n }, (_, i) => {
        const eventId = this.plan.eventIds[i % this.plan.eventIds.length]!;
        return new WsReactor(target, `/v1/events/${eventId}/ws?token=${this.plan.token}`, this.reactionRefused);
      });
      await Promise.all(this.reactWs.map((c) => c.opening));
    }
    if (this.plan.via === 'http') {
      this.http = Array.from({ length: this.plan.connections }, () => new HttpConn(target));
      await Promise.all(this.http.map((c) => c.opened()));
    } else {
      const id = this.plan.eventIds[0]!;
      this.ws = Array.from({ length: this.plan.connections }, (_, i) => {
        const eventId = this.plan.eventIds[i % this.plan.eventIds.length] ?? id;
        return new WsPoster(target, `/v1/events/${eventId}/ws?token=${this.plan.token}`, this);
      });
      await Promise.all(this.ws.map((c) => c.opening));
    }
  }

  start(): void {
    this.startedUs = nowUs();
    this.due = 0;
    this.timer = setInterval(() => this.tick(), 1);
  }

  setRate(rate: number): void {
    // Restart the schedule so a new rate does not owe the posts of the old one.
    this.rate = rate;
    this.startedUs = nowUs();
    this.due = 0;
    this.reactionsDue = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = nowUs();
    let n: number;
    if (this.rate > 0) {
      const should = Math.floor(((now - this.startedUs) / 1e6) * this.rate);
      n = should - this.due;
      this.due = should;
    } else {
      n = 1_000_000; // closed loop: fill every connection to its depth
    }
    for (let i = 0; i < n; i++) {
      if (!this.postOne()) {
        if (this.rate > 0) this.counters.skipped += n - i;
        break;
      }
    }
    const reactions = this.plan.reactions ?? 0;
    if (reactions > 0) {
      const should = Math.floor(((now - this.startedUs) / 1e6) * reactions);
      const r = should - this.reactionsDue;
      this.reactionsDue = should;
      for (let i = 0; i < r; i++) {
        if (!this.reactOne()) {
          this.reacted.reactionsSkipped += r - i;
          break;
        }
      }
    }
  }

  /** Sends one reaction on the least busy reaction connection; false when all are full. */
  private reactOne(): boolean {
    if (this.reactWs.length > 0) {
      const k = this.reactionsTotal++;
      const socket = this.reactWs[k % this.reactWs.length]!;
      if (!socket.isOpen || socket.client.socket.writableLength > REACT_BUFFER) return false;
      socket.client.send(`{"type":"reaction","emoji":"${EMOJI[k % EMOJI.length]}"}`);
      // No answer when accepted: a refusal comes back as an error frame and is subtracted.
      this.reacted.reactionsAccepted++;
      return true;
    }
    let best: HttpConn | null = null;
    for (const c of this.reactHttp) if (!best || c.inFlight < best.inFlight) best = c;
    if (!best || best.inFlight >= this.plan.depth) return false;
    const k = this.reactionsTotal++;
    const path = `/v1/events/${this.plan.eventIds[k % this.plan.eventIds.length]}/reactions`;
    const emoji = EMOJI[k % EMOJI.length];
    best.send(postRequest(path, this.plan.token, `{"emoji":"${emoji}"}`), this.reactionAnswered);
    return true;
  }

  private readonly reactionRefused = (why: string): void => {
    this.reacted.reactionsAccepted--;
    this.reacted.reactionErrors++;
    this.lastError = why;
  };

  private readonly reactionAnswered = (answer: HttpAnswer | Error): void => {
    if (!(answer instanceof Error) && answer.status === 202) this.reacted.reactionsAccepted++;
    else {
      this.reacted.reactionErrors++;
      this.lastError = answer instanceof Error ? answer.message : `reaction ${answer.status}`;
    }
  };

  /** Sends one comment on the least busy connection; false when all are full. */
  private postOne(): boolean {
    const k = this.total++;
    const eventIndex = k % this.plan.eventIds.length;
    const sent = nowUs();
    const text = stampedText(sent, this.plan.size, `p${k}`, this.plan.text === 'chat' ? k : undefined);
    if (this.plan.server === 'nchan') return this.publishOne(eventIndex, sent, text);
    if (this.plan.via === 'http') {
      let best: HttpConn | null = null;
      for (const c of this.http) if (!best || c.inFlight < best.inFlight) best = c;
      if (!best || best.inFlight >= this.plan.depth) return false;
      const path = `/v1/events/${this.plan.eventIds[eventIndex]}/comments`;
      best.send(postRequest(path, this.plan.token, `{"text":"${text}"}`), (answer) => this.answered(answer, sent));
    } else {
      let best: WsPoster | null = null;
      for (const c of this.ws) if (c.isOpen && (!best || c.inFlight < best.inFlight)) best = c;
      if (!best || best.inFlight >= this.plan.depth) return false;
      best.inFlight++;
      best.client.send(`{"type":"comment","text":"${text}"}`);
    }
    this.counters.sent++;
    return true;
  }

  /**
   * Publishes one entry to Nchan. An event keeps to one connection: Nchan delivers in arrival
   * order and the seq is given here, so posts of an event must not overtake each other.
   */
  private publishOne(eventIndex: number, sent: number, text: string): boolean {
    const conn = this.http[eventIndex % this.http.length]!;
    if (conn.inFlight >= this.plan.depth) return false;
    const eventId = this.plan.eventIds[eventIndex]!;
    const seq = ++this.heads[eventIndex]!;
    conn.send(postRequest(`/pub/${eventId}`, '', nchanEntry(eventId, seq, text)), (answer) =>
      this.answered(answer, sent),
    );
    this.counters.sent++;
    return true;
  }

  private answered(answer: HttpAnswer | Error, sent: number): void {
    if (answer instanceof Error) this.failed(answer.message);
    // Nchan answers 201 or 202 (with or without subscribers) with the channel's state.
    else if (answer.status === 201 || (answer.status === 202 && this.plan.server === 'nchan')) this.acked(sent);
    else this.failed(`${answer.status} ${answer.body.toString().slice(0, 200)}`);
  }

  acked(sentUs: number): void {
    this.counters.acked++;
    if (!Number.isNaN(sentUs)) this.hist.record(nowUs() - sentUs);
    this.refill();
  }

  failed(why: string): void {
    this.counters.errors++;
    this.lastError = why;
    this.refill();
  }

  /** Closed loop: every answer lets the next post go at once. */
  private refill(): void {
    if (this.rate === 0 && this.timer) this.postOne();
  }

  report(): PosterReport {
    const cpu = process.cpuUsage();
    const report: PosterReport = {
      type: 'report',
      ...this.counters,
      hist: this.hist.toSparse(),
      max: this.hist.max,
      cpuMicros: cpu.user + cpu.system - this.cpu.user - this.cpu.system,
      lastError: this.lastError,
      ...this.reacted,
      heads: [...this.heads],
    };
    this.cpu = cpu;
    this.hist.reset();
    this.counters = { sent: 0, acked: 0, errors: 0, skipped: 0 };
    this.reacted = { reactionsAccepted: 0, reactionErrors: 0, reactionsSkipped: 0 };
    return report;
  }

  close(): void {
    this.stop();
    for (const c of this.http) c.close();
    for (const c of this.reactHttp) c.close();
    for (const c of this.reactWs) c.client.close();
    for (const c of this.ws) c.client.close();
  }
}

function main(): void {
  let poster: Poster | null = null;
  const send = (message: FromPoster) => process.send?.(message);
  process.on('message', async (message: ToPoster) => {
    switch (message.type) {
      case 'plan':
        poster = new Poster(message.plan);
        await poster.open();
        poster.start();
        send({ type: 'ready' });
        break;
      case 'rate':
        poster?.setRate(message.rate);
        break;
      case 'report':
        if (poster) send(poster.report());
        break;
      case 'stop':
        poster?.stop();
        if (poster) send(poster.report());
        setTimeout(() => process.exit(0), 50);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
