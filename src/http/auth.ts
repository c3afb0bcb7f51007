// Bearer-token checks, compared in constant time: the admin token (API_TOKEN) and optional read-only tokens.
import type { MiddlewareHandler } from 'hono'
import { timingSafeEqual } from 'hono/utils/buffer'
import { ApiError } from './errors'
import type { AppEnv } from './app-env'

export type TokenRole = 'admin' | 'reader' | null

/** Read-only tokens for viewers: `API_READ_TOKENS`, comma-separated (a secret; optional). */
function readTokens(env: Env): string[] {
  const raw = (env as { API_READ_TOKENS?: string }).API_READ_TOKENS ?? ''
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length >= 16)
}

/**
 * The role a presented token grants. Every configured token is compared (in constant time each), so the time taken
 * does not tell which one, or how much of one, matched.
 */
export async function tokenRole(env: Env, given: string): Promise<TokenRole> {
  if (given === '') return null
  const admin = env.API_TOKEN !== '' && (await timingSafeEqual(given, env.API_TOKEN))
  let reader = false
  for (const token of readTokens(env)) if (await timingSafeEqual(given, token)) reader = true
  return admin ? 'admin' : reader ? 'reader' : null
}

/**
 * Requires `Authorization: Bearer <token>`: the admin token for everything, a read-only token for GET and HEAD.
 * A missing or wrong token is a 401 that says nothing about which; a read-only token on a write is a 403.
 */
export const requireToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.env.API_TOKEN) throw new ApiError(401, 'unauthorized', 'API_TOKEN is not configured on this Worker')
  const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
  const role = await tokenRole(c.env, given)
  if (role === null) throw new ApiError(401, 'unauthorized', 'missing or invalid bearer token')
  if (role === 'reader' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    throw new ApiError(403, 'forbidden', 'this token is read-only (API_READ_TOKENS); writes need the admin token')
  }
  await next()
}

/**
 * Admin only, even for reads: webhook endpoints (a Slack webhook URL is itself a credential), their delivery attempts,
 * and digest subscribers and previews (which carry a working unsubscribe link).
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
  if ((await tokenRole(c.env, given)) !== 'admin') throw new ApiError(403, 'forbidden', 'this route needs the admin token')
  await next()
}
