import type { AgreementAcceptance, AgreementRepository, AgreementVersion } from '@visage/core';
import type { Selectable } from 'kysely';
import type { AgreementAcceptanceTable, AgreementVersionTable } from './agreement.table.js';
import type { VisageDatabase } from './database.js';

export function createAgreementRepository({ db }: VisageDatabase): AgreementRepository {
  const versions = () => db.selectFrom('agreement_version').selectAll();
  const acceptance = (orgId: string, agreementId: string) =>
    db
      .selectFrom('agreement_acceptance')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('agreement_id', '=', agreementId)
      .executeTakeFirst();

  return {
    async insert(version) {
      const result = await db
        .insertInto('agreement_version')
        .values(toVersionRow(version))
        .onConflict((oc) => oc.column('version').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async latest() {
      const row = await versions().orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row && agreementVersionFromRow(row);
    },

    async effectiveAt(now) {
      const row = await versions()
        .where('effective_at', '<=', now)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && agreementVersionFromRow(row);
    },

    async upcoming(now) {
      const rows = await versions().where('effective_at', '>', now).orderBy('version').execute();
      return rows.map(agreementVersionFromRow);
    },

    async accept(proposed) {
      await db
        .insertInto('agreement_acceptance')
        .values(toAcceptanceRow(proposed))
        .onConflict((oc) => oc.columns(['org_id', 'agreement_id']).doNothing())
        .execute();
      const stored = await acceptance(proposed.orgId, proposed.agreementId);
      if (!stored) throw new Error(`acceptance of ${proposed.agreementId} by ${proposed.orgId} vanished`);
      return agreementAcceptanceFromRow(stored);
    },

    async findAcceptance(orgId, agreementId) {
      const row = await acceptance(orgId, agreementId);
      return row && agreementAcceptanceFromRow(row);
    },
  };
}

function toVersionRow(version: AgreementVersion): Selectable<AgreementVersionTable> {
  return {
    id: version.id,
    version: version.version,
    terms_text: version.termsText,
    terms_sha256: version.termsSha256,
    dpa_text: version.dpaText,
    dpa_sha256: version.dpaSha256,
    effective_at: version.effectiveAt,
    published_at: version.publishedAt,
    published_by: version.publishedBy,
  };
}

export function agreementVersionFromRow(row: Selectable<AgreementVersionTable>): AgreementVersion {
  return {
    id: row.id,
    version: Number(row.version),
    termsText: row.terms_text,
    termsSha256: row.terms_sha256,
    dpaText: row.dpa_text,
    dpaSha256: row.dpa_sha256,
    effectiveAt: row.effective_at,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
  };
}

function toAcceptanceRow(acceptance: AgreementAcceptance): Selectable<AgreementAcceptanceTable> {
  return {
    id: acceptance.id,
    org_id: acceptance.orgId,
    agreement_id: acceptance.agreementId,
    version: acceptance.version,
    user_id: acceptance.userId,
    accepted_at: acceptance.acceptedAt,
    ip: acceptance.ip,
    terms_sha256: acceptance.termsSha256,
    dpa_sha256: acceptance.dpaSha256,
  };
}

export function agreementAcceptanceFromRow(row: Selectable<AgreementAcceptanceTable>): AgreementAcceptance {
  return {
    id: row.id,
    orgId: row.org_id,
    agreementId: row.agreement_id,
    version: Number(row.version),
    userId: row.user_id,
    acceptedAt: row.accepted_at,
    ip: row.ip,
    termsSha256: row.terms_sha256,
    dpaSha256: row.dpa_sha256,
  };
}
