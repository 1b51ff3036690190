import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { AuthenticationError } from '#libs/access';
import { DomainError, ERROR_CODES } from '#libs/domain';
import { EventStoreError, WrongExpectedRevisionError } from '#libs/event-store';
import { InvalidCursorError, ProjectionLagError } from '#libs/projections';
import { asHttpError, formatError, graphqlCodeOf } from './format-error.js';

const inResolver = (error: unknown) => formatError({ message: 'x', path: ['field'] }, new GraphQLError('x', { originalError: error as Error }));

describe('formatError', () => {
  it('gives every code of the one error type its GraphQL code, with its fields', () => {
    for (const code of ERROR_CODES) {
      expect(inResolver(new DomainError(code, `refused: ${code}`, { id: 'why' }))).toMatchObject({
        message: `refused: ${code}`,
        extensions: { code: graphqlCodeOf(code).code, fields: { id: 'why' } },
      });
    }
  });

  it('maps the coded errors of the other libs to the same codes', () => {
    expect(inResolver(new InvalidCursorError('bad cursor')).extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { after: 'not a cursor this server issued' } });
    expect(inResolver(new ProjectionLagError('behind')).extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(inResolver(new AuthenticationError('no key')).extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(inResolver(new EventStoreError('UNAVAILABLE', 'down')).extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(inResolver(new EventStoreError('CONFLICT', 'reused id')).extensions).toEqual({ code: 'CONFLICT' });
  });

  it('hides anything else, a wrong expected revision included, behind an internal error', () => {
    const logged: unknown[] = [];
    const revision = new WrongExpectedRevisionError('s', 1n, 2n);
    expect(formatError({ message: 'boom', path: ['f'] }, new GraphQLError('boom', { originalError: revision }), (e) => logged.push(e))).toEqual({
      message: 'internal error',
      path: ['f'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([revision]);
  });

  it('reads a malformed request as the caller mistake it is', () => {
    expect(formatError({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, undefined).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});

describe('asHttpError', () => {
  it('sends a refusal before any resolver ran with its status and Retry-After', () => {
    const error = asHttpError(new DomainError('RATE_LIMITED', 'slow down', undefined, 7));
    const http = error.extensions.http as { status: number; headers: Map<string, string> };
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(http.status).toBe(429);
    expect(http.headers.get('retry-after')).toBe('7');
    expect((asHttpError(new DomainError('UNAUTHENTICATED', 'who')).extensions.http as { status: number }).status).toBe(401);
  });
});
