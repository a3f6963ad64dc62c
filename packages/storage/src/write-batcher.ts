import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** When a batch starts once a write waits: at once by default; the server passes `setImmediate`. */
export type Defer = (write: () => void) => void;

const immediately: Defer = (write) => write();
const maxBatch = 256;

/**
 * Group commit for small writes on the request path: writes that wait at the same time run in one transaction, one
 * commit instead of one each (on SQLite a commit cost more than the write itself, measured in docs/benchmarks.md).
 * Each caller gets its own write's result; if the transaction fails, every write in it fails.
 */
export function createWriteBatcher<Input, Output>(
  db: Kysely<Database>,
  write: (trx: Transaction<Database>, input: Input) => Promise<Output>,
  defer: Defer = immediately,
  lockOrder?: (input: Input) => string,
): (input: Input) => Promise<Output> {
  return createBatchWriter(
    db,
    async (trx, inputs) => {
      // Several processes batch writes to the same rows: taking the rows' locks in one global order (not in arrival
      // order, which differs between processes) keeps two batches from deadlocking on PostgreSQL.
      const order = inputs.map((input, index) => ({ input, index }));
      if (lockOrder) order.sort((a, b) => compareKeys(lockOrder(a.input), lockOrder(b.input)) || a.index - b.index);
      const outputs: Output[] = new Array<Output>(inputs.length);
      for (const { input, index } of order) outputs[index] = await write(trx, input);
      return outputs;
    },
    defer,
  );
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The same, for a write that handles a whole batch at once (one output per input, in order). */
export function createBatchWriter<Input, Output>(
  db: Kysely<Database>,
  writeAll: (trx: Transaction<Database>, inputs: readonly Input[]) => Promise<Output[]>,
  defer: Defer = immediately,
): (input: Input) => Promise<Output> {
  const waiting: { input: Input; done: (output: Output) => void; failed: (error: unknown) => void }[] = [];
  let writing = false;

  async function writeWaiting(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        const outputs = await db.transaction().execute((trx) =>
          writeAll(
            trx,
            batch.map(({ input }) => input),
          ),
        );
        batch.forEach(({ done }, i) => done(outputs[i]!));
      } catch (error) {
        batch.forEach(({ failed }) => failed(error));
      }
    }
    writing = false;
  }

  return (input) =>
    new Promise((done, failed) => {
      waiting.push({ input, done, failed });
      if (!writing) {
        writing = true;
        defer(() => void writeWaiting());
      }
    });
}
