// Our own application/json parser. Fastify's default one answers every syntax error with the same
// generic sentence; people debugging a client want to know *where* the JSON is broken.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as received, for routes that verify a signature over the exact bytes. */
    rawBody: string | null;
  }
}

export function installJsonParser(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  app.removeContentTypeParser('application/json');
  // Matches application/json and application/*+json, with or without parameters (charset=utf-8).
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') {
      done(new ApiError(400, 'invalid_json', 'The request body is empty but Content-Type says JSON. Send a JSON object.'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, rejectPrototypeKeys));
    } catch (error) {
      if (error instanceof ApiError) {
        done(error, undefined);
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      done(new ApiError(400, 'invalid_json', `The request body is not valid JSON: ${reason}. Fix the JSON and resend.`), undefined);
    }
  });
}

// A "__proto__" key is harmless in JSON.parse's result but becomes prototype pollution the moment
// someone spreads or merges the object; no legitimate client sends one.
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') {
    throw new ApiError(400, 'invalid_json', 'The request body contains a "__proto__" key, which is not allowed. Remove it and resend.');
  }
  return value;
}
