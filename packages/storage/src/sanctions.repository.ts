import type { SanctionsRepository } from '@visage/core';
import type { VisageDatabase } from './database.js';

/** Rows per INSERT: 5 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const chunkSize = 1000;

export function createSanctionsRepository({ db }: VisageDatabase): SanctionsRepository {
  return {
    async replaceLists(lists, at, by) {
      await db.transaction().execute(async (trx) => {
        for (const { name, entries } of lists) {
          await trx.deleteFrom('sanctions_entry').where('list_name', '=', name).execute();
          await trx.deleteFrom('sanctions_list').where('name', '=', name).execute();
          await trx
            .insertInto('sanctions_list')
            .values({ name, entries: entries.length, imported_at: at, imported_by: by })
            .execute();
          for (let start = 0; start < entries.length; start += chunkSize) {
            await trx
              .insertInto('sanctions_entry')
              .values(
                entries.slice(start, start + chunkSize).map((entry, i) => ({
                  list_name: name,
                  position: start + i,
                  name: entry.name,
                  aliases: JSON.stringify(entry.aliases),
                  program: entry.program,
                })),
              )
              .execute();
          }
        }
      });
    },

    async summaries() {
      const rows = await db.selectFrom('sanctions_list').selectAll().orderBy('name').execute();
      return rows.map((row) => ({
        name: row.name,
        entries: Number(row.entries),
        importedAt: row.imported_at,
        importedBy: row.imported_by,
      }));
    },

    async allEntries() {
      const rows = await db
        .selectFrom('sanctions_entry')
        .select(['list_name', 'name', 'aliases', 'program'])
        .orderBy('list_name')
        .orderBy('position')
        .execute();
      return rows.map((row) => ({
        list: row.list_name,
        program: row.program,
        name: row.name,
        aliases: JSON.parse(row.aliases) as string[],
      }));
    },
  };
}
