export interface AgreementVersionTable {
  id: string;
  version: number;
  terms_text: string;
  terms_sha256: string;
  dpa_text: string;
  dpa_sha256: string;
  effective_at: string;
  published_at: string;
  published_by: string;
}

export interface AgreementAcceptanceTable {
  id: string;
  org_id: string;
  agreement_id: string;
  version: number;
  user_id: string;
  accepted_at: string;
  ip: string | null;
  terms_sha256: string;
  dpa_sha256: string;
}
