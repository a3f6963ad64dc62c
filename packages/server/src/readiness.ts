/** `/readyz`'s answer: ready, or the first reason not to send this process traffic. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** One dependency readiness looks at: resolves when it is usable, throws (or takes too long) when not. */
export interface ReadinessCheck {
  /** The reason reported when the check fails, e.g. `database_unreachable`. */
  readonly failure: string;
  check(): Promise<void>;
}

/**
 * Readiness = not draining, and every check passing within `timeoutMs` (a database that does not answer must not
 * hold the load balancer's probe open: PostgreSQL down means a connection attempt that may hang for minutes).
 * Checks run in parallel; the first failing one (in the order given) names the reason.
 */
export function createReadiness(options: { timeoutMs: number; checks: readonly ReadinessCheck[] }) {
  let draining = false;
  const extra: ReadinessCheck[] = [];

  async function passes(check: ReadinessCheck): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.timeoutMs);
    });
    try {
      return await Promise.race([
        check.check().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async check(): Promise<Readiness> {
      if (draining) return { ready: false, reason: 'draining' };
      const checks = [...options.checks, ...extra];
      const results = await Promise.all(checks.map(passes));
      const failed = checks.find((_, i) => !results[i]);
      if (draining) return { ready: false, reason: 'draining' };
      return failed ? { ready: false, reason: failed.failure } : { ready: true };
    },
    /** Another dependency to look at (e.g. a shared limit store). */
    add(check: ReadinessCheck): void {
      extra.push(check);
    },
    /** From now on not ready: the process is shutting down. */
    drain(): void {
      draining = true;
    },
    get draining(): boolean {
      return draining;
    },
  };
}

export type ReadinessProbe = ReturnType<typeof createReadiness>;
