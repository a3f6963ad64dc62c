import type { DeletionReceiptRepository } from '@visage/core';
import type { VisageDatabase } from './database.js';

export function createDeletionReceiptRepository({ db }: VisageDatabase): DeletionReceiptRepository {
  return {
    async insert(receipt) {
      await db
        .insertInto('deletion_receipt')
        .values({
          id: receipt.id,
          org_id: receipt.orgId,
          scope: receipt.scope,
          target: receipt.target,
          erased: JSON.stringify(receipt.erased),
          created_at: receipt.createdAt,
          actor: receipt.actor,
        })
        .execute();
    },
  };
}
