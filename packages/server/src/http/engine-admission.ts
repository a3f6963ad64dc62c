import { DomainError } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import { holdsForHandler } from './held-for-handler.js';

/**
 * Backpressure for the routes that run the face engine (docs/operations.md, "Backpressure"). A process works on at
 * most `requestsPerWorker × workers` such requests at once; one more is refused when it arrives, before its body is
 * read, its signature checked or anything reserved, with `503 service.overloaded` and `Retry-After`.
 *
 * Why a count of requests per worker and not a time budget: the bound the platform keeps is relative (an accepted
 * request's latency under overload stays within about twice its unloaded latency), and a bound in units of the
 * work itself holds on any machine, whereas a budget in milliseconds would have to be tuned to the speed of each
 * one. With 2 per worker, each worker has one request running and one ready behind it (parsed, checked, its jobs
 * queued), so it never waits for the next body to arrive, while a newly accepted request waits for at most about
 * one other request's engine time per worker: its latency stays within about 2× the unloaded one. Counting whole
 * requests rather than engine jobs also means a request is never let in for one of its faces and refused for the
 * other, work that would be thrown away.
 */
export interface EngineAdmission {
  /** Engine requests this process works on at once. */
  readonly limit: number;
  /** Engine requests admitted and not yet answered. */
  readonly inProgress: number;
  /** A place for one more engine request, or `undefined` when all are taken; the function gives it back (once). */
  tryEnter(): (() => void) | undefined;
}

export function createEngineAdmission(options: { workers: number; requestsPerWorker: number }): EngineAdmission {
  const { workers, requestsPerWorker } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: ${workers}`);
  if (!Number.isInteger(requestsPerWorker) || requestsPerWorker < 1) {
    throw new RangeError(`requestsPerWorker must be a positive integer: ${requestsPerWorker}`);
  }
  const limit = workers * requestsPerWorker;
  let inProgress = 0;
  return {
    limit,
    get inProgress() {
      return inProgress;
    },
    tryEnter() {
      if (inProgress >= limit) return undefined;
      inProgress++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inProgress--;
      };
    },
  };
}

/** Route config of the routes whose requests run the face engine: `{ config: engineRoute }`. */
export const engineRoute = { engineAdmission: true } as const;

function isEngineConfig(config: unknown): boolean {
  return (config as { engineAdmission?: boolean } | undefined)?.engineAdmission === true;
}

/**
 * Admits the engine routes of `scope` through `admission` as their requests arrive (`onRequest`: before the body
 * is read). A refused request costs its headers and nothing else. An admitted one holds its place until its handler
 * has finished (held-for-handler.ts). Must be called before the scope's routes are added.
 */
export function admitEngineRequests(scope: FastifyInstance, admission: EngineAdmission): void {
  const hold = holdsForHandler(scope, (route) => isEngineConfig(route.config));
  scope.addHook('onRequest', async (request, reply) => {
    if (!isEngineConfig(request.routeOptions.config)) return;
    const leave = admission.tryEnter();
    if (!leave) {
      throw new DomainError('service.overloaded', { in_progress: admission.limit, retry_after_seconds: 1 });
    }
    hold(request, reply, leave);
  });
}
