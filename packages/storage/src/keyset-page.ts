import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Keyset paging for lists shown newest first (ordered by created_at desc, then id desc): the rows that come after
 * `after`, the last row of the previous page. Name the columns when they are qualified or called otherwise.
 */
export function olderThan(
  after: { readonly createdAt: string; readonly id: string },
  createdAt = 'created_at',
  id = 'id',
): Expression<SqlBool> {
  const at = sql.ref(createdAt);
  return sql<SqlBool>`(${at} < ${after.createdAt} or (${at} = ${after.createdAt} and ${sql.ref(id)} < ${after.id}))`;
}
