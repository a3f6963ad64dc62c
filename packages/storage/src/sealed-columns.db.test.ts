import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createSealedValueRepository, sealedColumns } from './sealed-value.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

/** Every column of every table of the migrated schema, as `table.column`, with its type name. */
async function schemaColumns(database: VisageDatabase): Promise<Map<string, string>> {
  const columns = new Map<string, string>();
  if (database.dialect.name === 'postgres') {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema()`.execute(database.db);
    for (const row of rows) columns.set(`${row.table_name}.${row.column_name}`, row.data_type);
    return columns;
  }
  const { rows: tables } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(database.db);
  for (const { name } of tables) {
    const { rows } = await sql<{
      name: string;
      type: string;
    }>`select name, type from pragma_table_info(${name})`.execute(database.db);
    for (const row of rows) columns.set(`${name}.${row.name}`, row.type.toLowerCase());
  }
  return columns;
}

for (const dialect of dialectNames) {
  describe(`the sealed-column registry on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('lists every *_sealed column of the schema (a new one must be registered for master-key rotation)', async () => {
      const columns = await schemaColumns(database);
      const named = [...columns.keys()].filter((name) => /\.(\w+_)?sealed$/.test(name)).sort();
      const registered = sealedColumns.map((c) => `${c.table}.${c.column}`);
      expect(named.length).toBeGreaterThan(10);
      expect(named.filter((name) => !registered.includes(name))).toEqual([]);
    });

    it('names only columns that exist, with the encoding of their type, and the primary key of their table', async () => {
      const columns = await schemaColumns(database);
      for (const column of sealedColumns) {
        const type = columns.get(`${column.table}.${column.column}`);
        expect(type, `${column.table}.${column.column}`).toBe(
          column.encoding === 'base64' ? 'text' : dialect === 'postgres' ? 'bytea' : 'blob',
        );
        for (const key of column.key)
          expect(columns.has(`${column.table}.${key}`), `${column.table}.${key}`).toBe(true);
      }
      // Each (table, column) once.
      expect(new Set(sealedColumns.map((c) => `${c.table}.${c.column}`)).size).toBe(sealedColumns.length);
    });

    it('pages by primary key (composite too), reads heads, and replaces only what is still as read', async () => {
      const repo = createSealedValueRepository(database);
      const column = sealedColumns.find((c) => c.table === 'idempotency_record')!;
      const row = (scope: string, key: string, body: string | null) => ({
        scope,
        key,
        request_hash: 'h',
        status: 'done',
        response_status: 200,
        response_body: body,
        call_id: null,
        locked_until: '2026-12-05T00:00:00.000Z',
        created_at: '2026-12-05T00:00:00.000Z',
        expires_at: '2026-12-06T00:00:00.000Z',
      });
      const value = (n: number) => Buffer.from([1, 0xaa, 0xbb, 0xcc, n, 9, 9, 9, 9]).toString('base64');
      await database.db
        .insertInto('idempotency_record')
        .values([
          row('s1', 'b', value(2)),
          row('s1', 'a', value(1)),
          row('s2', 'a', value(3)),
          row('s0', 'z', null),
          row('s2', 'b', value(4)),
        ])
        .execute();
      const seen: string[] = [];
      let after: readonly (string | number)[] | undefined;
      for (;;) {
        const page = await repo.heads(column, after, 2);
        for (const head of page) {
          seen.push(head.key.join('/'));
          expect(Buffer.from(head.head.subarray(0, 5)).toString('hex')).toBe(`01aabbcc0${Number(head.head[4])}`);
        }
        if (page.length < 2) break;
        after = page[page.length - 1]!.key;
      }
      expect(seen).toEqual(['s1/a', 's1/b', 's2/a', 's2/b']);

      const read = (await repo.read(column, ['s1', 'b']))!;
      expect(Buffer.from(read.bytes).toString('base64')).toBe(value(2));
      expect(await repo.read(column, ['s0', 'z'])).toBeUndefined();
      // A writer replaces the value after our read: our compare-and-set must not overwrite it.
      await database.db
        .updateTable('idempotency_record')
        .set({ response_body: value(7) })
        .where('scope', '=', 's1')
        .where('key', '=', 'b')
        .execute();
      expect(await repo.replace(column, ['s1', 'b'], read, Buffer.from([1, 2, 3]))).toBe(false);
      expect(Buffer.from((await repo.read(column, ['s1', 'b']))!.bytes).toString('base64')).toBe(value(7));
      const fresh = (await repo.read(column, ['s1', 'b']))!;
      expect(await repo.replace(column, ['s1', 'b'], fresh, Buffer.from([1, 2, 3]))).toBe(true);
      expect(Buffer.from((await repo.read(column, ['s1', 'b']))!.bytes)).toEqual(Buffer.from([1, 2, 3]));
    });
  });
}
