// GET /api/health: liveness and the last recorded tick's counts (no token needed).
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import { methodNotAllowed } from '../errors'
import { HeartbeatStore } from '../../pipeline/heartbeat-store'
import { FeedStore } from '../../feeds/feed-store'
import { readSettings } from '../../config/settings'

export const healthRoutes = new Hono<AppEnv>().get('/', async (c) => {
  const [lastTick, feeds] = await Promise.all([new HeartbeatStore(c.env.STORE).read(), new FeedStore(c.env.STORE).listFeeds()])
  // Ticks are recorded once per window (at once when something failed): lastTickAt may be that much older than the cron's last run.
  const heartbeatEveryMinutes = readSettings(c.env).heartbeatMinutes
  return c.json({ ok: true, lastTickAt: lastTick?.at ?? null, heartbeatEveryMinutes, feeds: feeds?.length ?? 0, lastTick })
}).all('/', methodNotAllowed('GET'))
