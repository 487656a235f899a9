// A manual clock shared by the fake (bucket refill) and the client (sleep),
// so throttling tests run instantly and the same way every time.
export class ManualClock {
  constructor(public ms = Date.parse("2026-11-01T00:00:00Z")) {}
  now = () => this.ms;
  /** Drop-in for the client's `sleep`: time passes, nothing waits. */
  sleep = async (ms: number) => {
    this.ms += Math.max(0, ms);
  };
  advance(ms: number) {
    this.ms += ms;
  }
}
