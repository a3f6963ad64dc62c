import { PostgresAdapter, type Kysely } from 'kysely';

/** The industry catalogue an operator starts with; the admin console edits it (PUT /admin/api/industries). */
const defaultIndustries = [
  {
    code: 'finance',
    name_zh: '金融、银行与保险',
    name_en: 'Finance, banking and insurance',
    licences: [{ code: 'financial_licence', name_zh: '金融许可证', name_en: 'Financial licence' }],
  },
  {
    code: 'payment',
    name_zh: '支付',
    name_en: 'Payment services',
    licences: [{ code: 'payment_licence', name_zh: '支付业务许可证', name_en: 'Payment business licence' }],
  },
  { code: 'internet', name_zh: '互联网与电子商务', name_en: 'Internet and e-commerce', licences: [] },
  {
    code: 'telecom',
    name_zh: '电信与增值电信服务',
    name_en: 'Telecommunications and value-added telecom services',
    licences: [
      {
        code: 'icp_licence',
        name_zh: '增值电信业务经营许可证（ICP）',
        name_en: 'Value-added telecom business licence (ICP)',
      },
    ],
  },
  {
    code: 'healthcare',
    name_zh: '医疗卫生',
    name_en: 'Healthcare',
    licences: [
      { code: 'medical_institution_licence', name_zh: '医疗机构执业许可证', name_en: 'Medical institution licence' },
    ],
  },
  {
    code: 'education',
    name_zh: '教育',
    name_en: 'Education',
    licences: [{ code: 'school_licence', name_zh: '办学许可证', name_en: 'School operating licence' }],
  },
  {
    code: 'transport',
    name_zh: '交通运输与出行',
    name_en: 'Transport and mobility',
    licences: [{ code: 'road_transport_licence', name_zh: '道路运输经营许可证', name_en: 'Road transport licence' }],
  },
  { code: 'government', name_zh: '政府与公共服务', name_en: 'Government and public services', licences: [] },
  { code: 'retail', name_zh: '零售与生活服务', name_en: 'Retail and consumer services', licences: [] },
  { code: 'other', name_zh: '其他', name_en: 'Other', licences: [] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';

  await db.schema
    .createTable('industry')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    // JSON: [{ code, name_zh, name_en }].
    .addColumn('licences', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const seededAt = '2026-11-30T00:00:00.000Z';
  await (db as Kysely<{ industry: Record<string, unknown> }>)
    .insertInto('industry')
    .values(
      defaultIndustries.map(({ licences, ...industry }, position) => ({
        ...industry,
        position,
        licences: JSON.stringify(licences),
        updated_at: seededAt,
      })),
    )
    .execute();

  await db.schema
    .createTable('certification_application')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organization.id'))
    .addColumn('company_name', 'text')
    .addColumn('credit_code', 'text')
    .addColumn('legal_rep_name', 'text')
    .addColumn('legal_rep_id_sealed', bytes)
    .addColumn('legal_rep_id_masked', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('address', 'text')
    .addColumn('industry_code', 'text')
    // JSON: { screened_at, entries_screened, matches: [...] }; null until submitted.
    .addColumn('screening', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('certification_document')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('certification_document_org_kind')
    .on('certification_document')
    .columns(['org_id', 'kind', 'created_at'])
    .execute();

  await db.schema
    .createTable('sanctions_list')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('entries', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sanctions_entry')
    .addColumn('list_name', 'text', (c) => c.notNull().references('sanctions_list.name'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON: an array of strings.
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('program', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sanctions_entry_pk', ['list_name', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sanctions_entry').execute();
  await db.schema.dropTable('sanctions_list').execute();
  await db.schema.dropTable('certification_document').execute();
  await db.schema.dropTable('certification_application').execute();
  await db.schema.dropTable('industry').execute();
}
