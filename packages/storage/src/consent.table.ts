export interface ConsentTable {
  id: string;
  org_id: string;
  app_id: string;
  subject_ref: string;
  text_version: string;
  obtained_at: string;
  method: string;
  created_at: string;
}
