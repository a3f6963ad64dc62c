/** The passive liveness verdict: the network at its trained crop, and the fused model's when one is configured. */
export interface LivenessResult {
  readonly score: number;
  readonly threshold: number;
  readonly live: boolean;
  /** The fused model's (network at several crops + texture) live probability, threshold and verdict. */
  readonly fused?: {
    readonly model: string;
    readonly score: number;
    readonly threshold: number;
    readonly live: boolean;
  };
}
