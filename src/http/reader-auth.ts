// Read access for history pages and Atom feeds: public when PUBLIC_HISTORY is on, else the token by header, cookie or query.
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { tokenRole } from './auth'
import type { AppEnv } from './app-env'
import { ApiError } from './errors'

/** Cookie set by the login form of the history pages. */
export const TOKEN_COOKIE = 'storywatch_token'

/** The token a reader presented: `Authorization: Bearer`, then the login cookie, then `?token=` (feed readers). */
export function presentedToken(c: Context<AppEnv>): string {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1]
  return header ?? getCookie(c, TOKEN_COOKIE) ?? c.req.query('token') ?? ''
}

export async function isReader(c: Context<AppEnv>): Promise<boolean> {
  if (c.env.PUBLIC_HISTORY === 'true') return true
  return (await tokenRole(c.env, presentedToken(c))) !== null
}

/** For machine-read routes (Atom): 401 in the one error shape when the reader is not allowed. */
export const requireReader: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!(await isReader(c))) throw new ApiError(401, 'unauthorized', 'missing or invalid token (send it as a Bearer header or ?token=)')
  await next()
}
