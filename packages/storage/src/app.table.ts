import type { FarLevel } from '@visage/core';

export interface AppTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  /** JSON array of host names. */
  domains: string;
  decision_far: FarLevel;
  image_retention_seconds: number;
  result_retention_seconds: number;
  /** 0 or 1. */
  allow_multiple_faces: number;
  webhook_url: string | null;
  created_at: string;
  updated_at: string;
}
