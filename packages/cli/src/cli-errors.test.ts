import { DomainError } from '@visage/core';
import { ConfigError, loadConfig } from '@visage/server';
import { describe, expect, it } from 'vitest';
import { errorBody } from './cli-errors.js';

describe('errorBody', () => {
  it('reports a bad configuration as cli.bad_input naming every problem, without secret values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'x', VISAGE_MASTER_KEY: 'hunter2-not-a-key', VISAGE_TYPO: '1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const body = errorBody(error);
    expect(body.error.code).toBe('cli.bad_input');
    expect(body.error.details?.['problems']).toMatch(
      /^PORT: .*; VISAGE_MASTER_KEY: .*; VISAGE_TYPO: unknown variable$/,
    );
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('passes a DomainError through with its registry code, message and details', () => {
    const error = new DomainError('org.invalid_transition', { from: 'terminated', to: 'active' });
    expect(errorBody(error)).toEqual({
      error: {
        code: 'org.invalid_transition',
        message: 'The organisation cannot move to that state from its current one.',
        details: { from: 'terminated', to: 'active' },
      },
    });
    expect(errorBody(new DomainError('org.not_found'))).toEqual({
      error: { code: 'org.not_found', message: 'No such organisation.' },
    });
  });

  it('hides anything unexpected behind cli.internal', () => {
    expect(errorBody(new Error('boom'))).toEqual({
      error: { code: 'cli.internal', message: 'An unexpected error occurred.' },
    });
  });
});
