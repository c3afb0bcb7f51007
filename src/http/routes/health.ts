// GET /api/health: liveness and the last tick's counts (no token needed).
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { methodNotAllowed } from '../errors'
import { HeartbeatStore } from '../../pipeline/heartbeat-store'
import { FeedStore } from '../../feeds/feed-store'

export const healthRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const [lastTick, feeds] = await Promise.all([new HeartbeatStore(c.env.STORE).read(), new FeedStore(c.env.STORE).listFeeds()])
  return c.json({ ok: true, lastTickAt: lastTick?.at ?? null, feeds: feeds?.length ?? 0, lastTick })
}).all('/', methodNotAllowed('GET'))
