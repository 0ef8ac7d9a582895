// Rate-limited logging for failures that come in floods (a database outage fails every request;
// a burst of slow viewers is cut off at once): the first is logged at once, the rest are counted
// and summed up in one line per window while they keep coming.

/** Writes one line: `count` occurrences (1 for the first), with the latest one's details. */
export type ThrottledLine = (count: number, latest: object) => void;

/** One kind of event, logged at most once per window. */
export class LogThrottle {
  private counted = 0;
  private latest: object = {};
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly line: ThrottledLine,
    private readonly windowMs = 60_000,
  ) {}

  /** Notes one occurrence: logged now if the window is quiet, else counted for its summary. */
  note(details: object = {}): void {
    if (this.timer === null) {
      this.line(1, details);
      this.open();
      return;
    }
    this.counted++;
    this.latest = details;
  }

  private open(): void {
    this.timer = setTimeout(this.summarise, this.windowMs);
    this.timer.unref();
  }

  private readonly summarise = (): void => {
    this.timer = null;
    if (this.counted === 0) return;
    this.line(this.counted, this.latest);
    this.counted = 0;
    this.latest = {};
    this.open();
  };
}
