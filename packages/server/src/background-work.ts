/**
 * Work a request starts but does not wait for, begun only after its answer has been sent: for an open endpoint whose
 * answer must not take longer when there is something to do (a password reset for an account that exists) than when
 * there is not. Tasks are tracked so that tests and shutdown can wait for them (`drain`), as the mailer's deliveries
 * are; a failure is reported to `onError`, never to the caller, who has had the answer already.
 */
export function createBackgroundWork(onError: (error: unknown, task: string) => void) {
  const inFlight = new Set<Promise<void>>();

  return {
    /** Runs `task` once the current request's answer is out (after the I/O of this turn of the event loop). */
    run(name: string, task: () => Promise<unknown>): void {
      const work: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .then(
          () => undefined,
          (error: unknown) => onError(error, name),
        )
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },

    /** Resolves when every task started so far (and any they started) has settled. */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

export type BackgroundWork = ReturnType<typeof createBackgroundWork>;
