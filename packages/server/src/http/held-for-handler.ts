import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * Something a request holds (an engine place, a key's concurrency slot) is given back once its answer has been sent
 * or its handler has finished, whichever comes first — not when its client goes away: the handler, its reservation and its engine jobs go on after a
 * disconnect, and the hold must count them. A request whose connection closes before its handler starts (refused
 * by a hook, or its body cut off) gives it back then. Must be called before the routes of `scope` are added; only
 * routes for which `applies` holds are wrapped.
 */
export function holdsForHandler(
  scope: FastifyInstance,
  applies: (route: RouteOptions) => boolean = () => true,
): (request: FastifyRequest, reply: FastifyReply, release: () => void) => void {
  const holds = new WeakMap<FastifyRequest, { releases: (() => void)[]; handling: boolean }>();
  scope.addHook('onRoute', (route) => {
    if (!applies(route)) return;
    const handler = route.handler;
    route.handler = async function (this: FastifyInstance, request, reply) {
      const hold = holds.get(request);
      if (hold) hold.handling = true;
      try {
        return await handler.call(this, request, reply);
      } finally {
        hold?.releases.forEach((release) => release());
      }
    };
  });
  return (request, reply, release) => {
    let released = false;
    const once = () => {
      if (released) return;
      released = true;
      release();
    };
    let hold = holds.get(request);
    if (!hold) {
      const created = { releases: [] as (() => void)[], handling: false };
      holds.set(request, created);
      const releaseAll = () => created.releases.forEach((r) => r());
      // The answer sent in full: the client may send its next request at once, so the hold ends now, not when the
      // handler's promise settles a few ticks later (measured: that lag turned a closed loop of exactly the limit
      // into refusals behind nginx).
      reply.raw.once('finish', releaseAll);
      reply.raw.once('close', () => {
        if (!created.handling) releaseAll();
      });
      hold = created;
    }
    hold.releases.push(once);
  };
}
