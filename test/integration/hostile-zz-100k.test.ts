import { it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, json, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { FEED_URL, rss } from '../support/hostile-feeds'
it('probe 100k', async () => {
  await reset()
  const n = new FakeNetwork().install()
  const N = Number(100_000)
  const items = Array.from({ length: N }, (_, i) => `<item><guid>${i}</guid><title>t${i}</title></item>`).join('')
  const body = rss(items)
  console.warn('PROBE bytes', body.length)
  n.serve(FEED_URL, feedResponder(() => body))
  await addFeed(FEED_URL)
  const t = Date.now()
  await tick(Date.UTC(2030, 0, 7, 9, 0, 0))
  console.warn('PROBE tick ms', Date.now() - t)
  const h = await json<unknown>(await api('/api/health'))
  console.warn('PROBE', JSON.stringify(h).slice(0, 1500))
  vi.restoreAllMocks()
}, 900_000)
