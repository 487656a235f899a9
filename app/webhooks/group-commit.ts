// Group commit: items submitted in the same turn of the event loop are written
// together (one transaction, one commit), and each submitter's promise settles
// only once the write holding its item has finished. Under load a commit costs
// the same for one row or a hundred, so this is where throughput comes from;
// unloaded, a lone item is written in the next turn, alone.

export interface GroupCommitOptions {
  /** Writes running at once (more than one only where the database takes concurrent writers). */
  maxInFlight: number;
  /** Items per write at most. */
  maxBatch: number;
}

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Resolves once everything submitted so far has been written (or has failed). */
  drain(): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * `write` gets a batch and returns one result per item, in order, or throws. A
 * failed batch of several is written again item by item, so one bad item (say
 * a date PostgreSQL refuses) fails alone and the others are stored.
 */
export function groupCommit<T, R>(write: (batch: T[]) => R[] | Promise<R[]>, options: GroupCommitOptions): GroupCommit<T, R> {
  const queue: Waiting<T, R>[] = [];
  let inFlight = 0;
  let scheduled = false;
  const idle: (() => void)[] = [];

  const writeBatch = async (batch: Waiting<T, R>[]) => {
    try {
      const results = await write(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // All at once, so a failure that is not any item's (database unreachable)
      // costs the second round one wait, not one per item.
      await Promise.all(batch.map((w) => writeBatch([w])));
    }
  };

  const schedule = () => {
    if (scheduled || inFlight >= options.maxInFlight) return;
    if (!queue.length) {
      if (!inFlight) for (const resolve of idle.splice(0)) resolve();
      return;
    }
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every request
    // whose body completed in this turn is in the batch.
    setImmediate(() => {
      scheduled = false;
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void writeBatch(batch).finally(() => {
        inFlight--;
        schedule();
      });
      schedule();
    });
  };

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    drain() {
      if (!queue.length && !inFlight) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
