/** What the FaceID-compatible API keeps beside a capture session (core/compat/faceid.ports.ts). */
export interface FaceIdBusinessTable {
  session_id: string;
  org_id: string;
  app_id: string;
  key_id: string;
  sandbox: number;
  flow: string;
  biz_no: string | null;
  biz_extra_data: string | null;
  notify_url: string | null;
  comparison_type: number;
  reads: number;
  created_at: string;
  readable_until: string;
}
