/**
 * The job's outcome, or the signal's reason if it aborts first. The job itself is not cancelled: piscina terminating
 * a worker in the middle of inference aborts the whole process (a native exception escapes onnxruntime), so a job
 * past its limit runs to its end and only its answer is given up.
 */
export function untilAborted<T>(job: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    job.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
