import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from './client';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  /** Fetch again (after a change). */
  readonly reload: () => void;
}

/** GET a path when the component mounts and whenever the path changes; `null` skips the request. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    api<T>('GET', path).then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (cause: unknown) => {
        if (!current) return;
        setError(cause instanceof ApiError ? cause : new ApiError(0, 'network', String(cause)));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

/**
 * Run a write and keep its pending state and error for the form: `const [run, state] = useAction()`;
 * `await run(() => api('POST', …))` resolves with the answer or undefined when it failed (the error is in state).
 */
export function useAction(): [
  <T>(action: () => Promise<T>) => Promise<T | undefined>,
  { readonly pending: boolean; readonly error: ApiError | undefined; readonly clear: () => void },
] {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await action();
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : new ApiError(0, 'network', String(cause)));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return [run, { pending, error, clear }];
}
