import busboy from 'busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '@visage/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as received: request signatures cover them. Empty when there was no body. */
    rawBody?: Buffer;
    /** Why the body could not be parsed; raised by `rejectUnparsedBody` once the caller is known (see there). */
    bodyError?: DomainError;
  }
}

/**
 * JSON and multipart bodies, both kept as raw bytes for the signature check. Multipart is read from the buffered
 * body (already bounded by the body limit): file parts become base64 strings and dotted names build nested
 * objects (`comparison.image`, `consent.subject_ref`), so both encodings meet the same schema.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      request.bodyError = new DomainError('request.invalid', { reason: 'the body is not valid JSON' });
      done(null, undefined);
    }
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    parseMultipart(request.headers['content-type'] ?? '', raw).then(
      (parsed) => done(null, parsed),
      (error: unknown) => {
        request.bodyError = error instanceof DomainError ? error : invalidMultipart(error);
        done(null, undefined);
      },
    );
  });
}

/**
 * A preValidation hook that raises a body parse error. Parsing runs before any hook, so a malformed body is only
 * noted there; signed routes raise it after the signature check, so an unsigned caller always gets a 401 first.
 */
export async function rejectUnparsedBody(request: FastifyRequest): Promise<void> {
  if (request.bodyError) throw request.bodyError;
}

const forbiddenKeys = new Set(['__proto__', 'prototype', 'constructor']);

function parseMultipart(contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const result: Record<string, unknown> = {};
    const pending: Promise<void>[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { fields: 32, files: 4, parts: 36 } });
    } catch (error) {
      reject(invalidMultipart(error));
      return;
    }
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      pending.push(
        new Promise((done, fail) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', fail);
          stream.on('end', () => {
            try {
              setPath(result, name, Buffer.concat(chunks).toString('base64'));
              done();
            } catch (error) {
              fail(error);
            }
          });
        }),
      );
    });
    parser.on('field', (name, value, info) => {
      try {
        setPath(result, name, info.mimeType === 'application/json' ? JSON.parse(value) : value);
      } catch (error) {
        parser.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
    parser.on('partsLimit', () => reject(invalidMultipart(new Error('too many parts'))));
    parser.on('fieldsLimit', () => reject(invalidMultipart(new Error('too many fields'))));
    parser.on('filesLimit', () => reject(invalidMultipart(new Error('too many files'))));
    parser.on('error', (error) => reject(error instanceof DomainError ? error : invalidMultipart(error)));
    parser.on('close', () => {
      Promise.all(pending).then(() => resolve(result), reject);
    });
    parser.end(raw);
  });
}

function setPath(target: Record<string, unknown>, dottedName: string, value: unknown): void {
  const keys = dottedName.split('.');
  if (keys.some((key) => key === '' || forbiddenKeys.has(key))) {
    throw new DomainError('request.invalid', { reason: `unusable multipart field name: ${dottedName}` });
  }
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function invalidMultipart(error: unknown): DomainError {
  return new DomainError('request.invalid', {
    reason: `malformed multipart body: ${error instanceof Error ? error.message : String(error)}`,
  });
}
