// The one error funnel: every failure leaves the API as { "error": { "code", "message" } }.
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Context } from 'hono'

/** An expected API failure with a stable machine-readable code. Routes throw it; onError renders it. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(status, { message })
  }
}

export interface ErrorBody {
  error: { code: string; message: string }
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

/** Renders any thrown error; unexpected ones are logged and answered with a generic 500 (no internals leak). */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json<ErrorBody>({ error: { code: err.code, message: err.message } }, err.status)
  }
  if (err instanceof HTTPException) {
    // Hono's own validators throw these (e.g. malformed JSON): keep their status, give them our shape.
    const malformedJson = /json/i.test(err.message) && err.status === 400
    const code = malformedJson ? 'invalid_json' : (CODES_BY_STATUS[err.status] ?? 'http_error')
    const message = malformedJson ? 'request body is not valid JSON' : err.message || code
    return c.json<ErrorBody>({ error: { code, message } }, err.status)
  }
  console.error('http: unexpected error', err)
  return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal error' } }, 500)
}

/** A fallback for a known path: any method not handled before it is answered 405 with the allowed ones. */
export function methodNotAllowed(allow: string): (c: Context) => Response {
  return (c) => {
    c.header('allow', allow)
    return c.json<ErrorBody>({ error: { code: 'method_not_allowed', message: `${c.req.method} is not allowed here (allowed: ${allow})` } }, 405)
  }
}

export function renderNotFound(c: Context): Response {
  return c.json<ErrorBody>({ error: { code: 'not_found', message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404)
}
