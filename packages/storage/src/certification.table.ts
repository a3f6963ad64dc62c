export interface IndustryTable {
  code: string;
  position: number;
  name_zh: string;
  name_en: string;
  /** JSON: [{ code, name_zh, name_en }]. */
  licences: string;
  updated_at: string;
}

export interface CertificationApplicationTable {
  org_id: string;
  company_name: string | null;
  credit_code: string | null;
  legal_rep_name: string | null;
  legal_rep_id_sealed: Uint8Array | null;
  legal_rep_id_masked: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  address: string | null;
  industry_code: string | null;
  /** JSON, null until submitted. */
  screening: string | null;
  submitted_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface CertificationDocumentTable {
  id: string;
  org_id: string;
  kind: string;
  content_type: string;
  bytes: number;
  sealed: Uint8Array;
  uploaded_by: string;
  created_at: string;
}

export interface SanctionsListTable {
  name: string;
  entries: number;
  imported_at: string;
  imported_by: string;
}

export interface SanctionsEntryTable {
  list_name: string;
  position: number;
  name: string;
  /** JSON array of strings. */
  aliases: string;
  program: string;
}
