import { DomainError } from '@visage/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { holdsForHandler } from './held-for-handler.js';

/**
 * Backpressure for the routes that run the face engine (docs/operations.md, "Backpressure"). A process works on at
 * most `requestsPerWorker × workers` such requests at once; one more is refused when it arrives, before its body is
 * read, its signature checked or anything reserved, with `503 service.overloaded` and `Retry-After`.
 *
 * A request holds its place until it no longer needs the engine (`engineDoneOf`: its faces analysed, before its
 * record is stored and its charge posted), or else until its handler ends. So the next request is let in while the
 * last one writes its record, and a worker waits only for the next request's checks, not for the last one's
 * database work.
 *
 * Why a count of requests per worker and not a time budget: the bound the platform keeps is relative (an accepted
 * request's latency under overload stays within about twice its unloaded latency), and a bound in units of the
 * work itself holds on any machine, whereas a budget in milliseconds would have to be tuned to the speed of each
 * one. With 1 per worker (the default) an accepted request never waits behind another's faces; measured with 2,
 * each waited for one other and its p99 came to 1.8–2.7× the unloaded one (docs/benchmarks.md). Counting whole
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
    placeOf.set(request, leave);
    hold(request, reply, leave);
  });
}

const placeOf = new WeakMap<FastifyRequest, () => void>();
const noPlace = () => {};

/** Gives back `request`'s engine place now, for a handler done with the engine; a no-op for one holding none. */
export function engineDoneOf(request: FastifyRequest): () => void {
  return placeOf.get(request) ?? noPlace;
}
