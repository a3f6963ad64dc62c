import type { FarLevel } from './face-analysis.ports.js';

/** Who is calling, as the key check established it, and the app's policy. */
export interface Caller {
  readonly orgId: string;
  readonly appId: string;
  readonly keyId: string;
  readonly sandbox: boolean;
  readonly decisionFar: FarLevel;
  readonly allowMultipleFaces: boolean;
  readonly imageRetentionSeconds: number;
  readonly resultRetentionSeconds: number;
}
