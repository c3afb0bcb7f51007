// Bearer-token check for the API, compared in constant time.
import type { MiddlewareHandler } from 'hono'
import { timingSafeEqual } from 'hono/utils/buffer'
import { ApiError } from './errors'
import type { AppEnv } from './app-env'

/** Requires `Authorization: Bearer <API_TOKEN>`; a missing or wrong token is a 401 that says nothing about which. */
export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const expected = c.env.API_TOKEN
  if (!expected) throw new ApiError(401, 'unauthorized', 'API_TOKEN is not configured on this Worker')
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  const given = match?.[1] ?? ''
  if (!given || !(await timingSafeEqual(given, expected))) {
    throw new ApiError(401, 'unauthorized', 'missing or invalid bearer token')
  }
  await next()
}
