export interface DeletionReceiptTable {
  id: string;
  org_id: string;
  scope: string;
  target: string;
  /** JSON object of counts and flags. */
  erased: string;
  created_at: string;
  actor: string;
}
