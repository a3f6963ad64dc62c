import type { Price, PriceRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { PriceTable } from './price.table.js';

export function createPriceRepository({ db }: VisageDatabase): PriceRepository {
  return {
    async insert(price) {
      await db
        .insertInto('price')
        .values({
          id: price.id,
          product: price.product,
          amount_fen: price.amountFen,
          effective_at: price.effectiveAt,
          created_at: price.createdAt,
          created_by: price.createdBy,
        })
        .execute();
    },

    async list() {
      const rows = await db.selectFrom('price').selectAll().orderBy('product').orderBy('effective_at').execute();
      return rows.map(fromRow);
    },
  };
}

function fromRow(row: Selectable<PriceTable>): Price {
  return {
    id: row.id,
    product: row.product as Price['product'],
    amountFen: Number(row.amount_fen),
    effectiveAt: row.effective_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
