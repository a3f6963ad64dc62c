import { openDatabase } from '@visage/storage';
import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness.js';

describe('readiness', () => {
  it('is ready when every check passes, and not while draining', async () => {
    const readiness = createReadiness({ timeoutMs: 500, checks: [{ failure: 'x_down', check: async () => {} }] });
    expect(await readiness.check()).toEqual({ ready: true });
    readiness.drain();
    expect(readiness.draining).toBe(true);
    expect(await readiness.check()).toEqual({ ready: false, reason: 'draining' });
  });

  it('names the first failing check, in the order given', async () => {
    const readiness = createReadiness({
      timeoutMs: 500,
      checks: [
        { failure: 'first_ok', check: async () => {} },
        { failure: 'second_down', check: () => Promise.reject(new Error('no')) },
        { failure: 'third_down', check: () => Promise.reject(new Error('no')) },
      ],
    });
    expect(await readiness.check()).toEqual({ ready: false, reason: 'second_down' });
  });

  it('does not wait longer than its timeout for a check that hangs', async () => {
    const readiness = createReadiness({
      timeoutMs: 200,
      checks: [{ failure: 'database_unreachable', check: () => new Promise<void>(() => {}) }],
    });
    const started = performance.now();
    expect(await readiness.check()).toEqual({ ready: false, reason: 'database_unreachable' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('takes checks added later (another shared dependency)', async () => {
    const readiness = createReadiness({ timeoutMs: 500, checks: [] });
    let up = false;
    readiness.add({
      failure: 'limits_unreachable',
      check: async () => {
        if (!up) throw new Error('down');
      },
    });
    expect(await readiness.check()).toEqual({ ready: false, reason: 'limits_unreachable' });
    up = true;
    expect(await readiness.check()).toEqual({ ready: true });
  });

  it('reports a PostgreSQL server that refuses connections as database_unreachable', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused.
    const database = openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test' });
    try {
      const readiness = createReadiness({
        timeoutMs: 2000,
        checks: [{ failure: 'database_unreachable', check: () => database.ping() }],
      });
      expect(await readiness.check()).toEqual({ ready: false, reason: 'database_unreachable' });
    } finally {
      await database.destroy();
    }
  });
});
