import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createWriteBatcher } from './write-batcher.js';

for (const dialect of dialectNames) {
  describe(`write batcher on ${dialect}`, () => {
    let database: VisageDatabase;
    let db: Kysely<Database>;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      db = database.db as unknown as Kysely<Database>;
      await sql`create table batch_probe (id varchar(8) primary key, n integer not null)`.execute(db);
      await sql`insert into batch_probe (id, n) values ('a', 0), ('b', 0)`.execute(db);
    });
    afterEach(() => database.destroy());

    it('returns each write its own result, in the callers order, when it writes in lock order', async () => {
      const seen: string[] = [];
      const bump = createWriteBatcher(
        db,
        async (trx, id: string) => {
          seen.push(id);
          const row = await sql<{ n: number }>`update batch_probe set n = n + 1 where id = ${id} returning n`.execute(
            trx,
          );
          return `${id}:${row.rows[0]!.n}`;
        },
        setImmediate,
        (id) => id,
      );
      expect(await Promise.all([bump('b'), bump('a'), bump('b')])).toEqual(['b:1', 'a:1', 'b:2']);
      expect(seen).toEqual(['a', 'b', 'b']);
    });

    it('lets two processes batch the same rows in opposite orders without a deadlock', async () => {
      // Each batch updates its first row, then waits (at most 300 ms) for the other batch to have updated its first
      // row too. In arrival order, batch one holds `a` and wants `b` while batch two holds `b` and wants `a`: a
      // deadlock, and PostgreSQL kills one. In lock order both start with `a`, the second waits for the first.
      const firstWritten: (() => void)[] = [];
      let written = 0;
      const bothWritten = new Promise<void>((resolve) => firstWritten.push(resolve));
      const process = () => {
        let writes = 0;
        return createWriteBatcher(
          db,
          async (trx, id: string) => {
            await sql`update batch_probe set n = n + 1 where id = ${id}`.execute(trx);
            if (writes++ === 0) {
              if (++written === 2) firstWritten.forEach((release) => release());
              await Promise.race([bothWritten, new Promise((resolve) => setTimeout(resolve, 300))]);
            }
            return id;
          },
          setImmediate,
          (id) => id,
        );
      };
      const one = process();
      const two = process();
      const outcomes = await Promise.allSettled([one('a'), one('b'), two('b'), two('a')]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const rows = await sql<{ id: string; n: number }>`select id, n from batch_probe order by id`.execute(db);
      expect(rows.rows.map((row) => Number(row.n))).toEqual([2, 2]);
    });
  });
}
