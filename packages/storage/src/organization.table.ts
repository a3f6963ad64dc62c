import type { Certification, OrganizationStatus } from '@visage/core';

export interface OrganizationTable {
  id: string;
  name: string;
  certification: Certification;
  status: OrganizationStatus;
  created_at: string;
  updated_at: string;
  /** Set by a compromised-account report: live keys stop until the operator lifts it. */
  frozen_at: string | null;
}
