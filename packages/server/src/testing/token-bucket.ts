/** How many of requests sent at these times (ms, in order) one exact token bucket of `burst`, refilled at `rate`/s, accepts. */
export function tokenBucketAllows(times: readonly number[], rate: number, burst: number): number {
  let tokens = burst;
  let at = times[0] ?? 0;
  let accepted = 0;
  for (const t of times) {
    tokens = Math.min(burst, tokens + ((t - at) / 1000) * rate);
    at = t;
    if (tokens >= 1) {
      tokens -= 1;
      accepted++;
    }
  }
  return accepted;
}
