import type { NoticeRequest, NoticeSender } from './notices.ports.js';

/** Told when a notice could not be sent after the change it reports had been committed (the server logs it). */
export type NoticeFailureHandler = (error: unknown, request: NoticeRequest) => void;

/**
 * Tells the customer about a change that has already been committed (money moved, a status changed): a notice that
 * cannot be delivered must neither undo the change nor fail the action that made it, or a retry would find the change
 * done and be refused. The failure goes to `onError` instead (which must not throw; if it does, that is ignored).
 * Returns whether the notice went out.
 */
export async function notifySafely(
  notices: NoticeSender,
  request: NoticeRequest,
  onError?: NoticeFailureHandler,
): Promise<boolean> {
  try {
    await notices.notify(request);
    return true;
  } catch (error) {
    try {
      onError?.(error, request);
    } catch {
      // The reporter failing is no reason to fail the committed action either.
    }
    return false;
  }
}
