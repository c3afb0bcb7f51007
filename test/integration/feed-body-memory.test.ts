// Through real ticks: what a feed state remembers of the last body, states stored by earlier versions, deferred items.
import { beforeEach, describe, expect, it } from 'vitest'
import { addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { KEYS } from '../../src/storage/keys'

const FEED = 'https://news.example.com/rss.xml'
const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)

interface StoredState {
  items: Record<string, string>
  body?: { context: string; printKind: string; items: string } | null
  prints?: Record<string, string>
  validators: { etag: string | null; lastModified: string | null; bodyHash: string | null }
}
interface AlertItem {
  type: string
  title: string
}

const item = (n: number, title = `Story number ${n} from the council`) =>
  `<item><title>${title}</title><link>https://news.example.com/news/${n}</link><guid>https://news.example.com/news/${n}</guid><description>Body of story ${n}, with several words in it.</description></item>`
const rss = (items: string[]) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>https://news.example.com/</link>${items.join('\n')}</channel></rss>`

const network = freshWorldEachTest({ quietLogs: true })
let body: string
beforeEach(() => {
  network.serve(FEED, feedResponder(() => body))
})

async function stateOf(feedId: string): Promise<StoredState> {
  const state = await env.STORE.get<StoredState>(KEYS.feedState(feedId), 'json')
  if (state === null) throw new Error(`no state for ${feedId}`)
  return state
}

async function revisionAlerts(): Promise<string[]> {
  const items = (await json<{ items: AlertItem[] }>(await api('/api/alerts?limit=100'))).items
  return items.filter((a) => a.type === 'revision').map((a) => a.title)
}

describe('the feed state remembers the last body', () => {
  it('stores one line per item and no fingerprints of parsed items', async () => {
    body = rss([item(1), item(2), item(3)])
    const feedId = await addFeed(FEED)
    await tick(T0)
    const state = await stateOf(feedId)
    expect(state.body?.printKind).toBe('chunk')
    expect(state.body?.items.split('\n')).toHaveLength(3)
    expect(state.prints).toBeUndefined()
  })

  it('reads a state stored by an earlier version (fingerprints, no body memory) and raises the revision it sees', async () => {
    body = rss([item(1), item(2), item(3)])
    const feedId = await addFeed(FEED)
    await tick(T0)
    // The state as the previous version wrote it: `prints` of parsed items, no `body`.
    const { body: _memory, ...current } = await stateOf(feedId)
    const legacy = { ...current, prints: Object.fromEntries(Object.keys(current.items).map((id, i) => [`00000000000000${i}0`, id])) }
    await env.STORE.put(KEYS.feedState(feedId), JSON.stringify(legacy))

    body = rss([item(4), item(1), item(2, 'Story number 2 from the council, corrected'), item(3)])
    await tick(T0 + 5 * MIN)
    expect(await revisionAlerts()).toEqual(['Story number 2 from the council, corrected'])
    const state = await stateOf(feedId)
    expect(state.prints).toBeUndefined()
    expect(state.body?.items.split('\n')).toHaveLength(4)
    expect(Object.keys(state.items)).toHaveLength(4)
  })

  it('raises exactly the revisions a change brings when unchanged items are left unparsed', async () => {
    body = rss([item(1), item(2), item(3)])
    await addFeed(FEED)
    await tick(T0)
    body = rss([item(5), item(1, 'Story number 1 from the council, updated'), item(2), item(3)])
    await tick(T0 + 5 * MIN)
    body = rss([item(6), item(5), item(1, 'Story number 1 from the council, updated'), item(2), item(3, 'Story number 3 from the council, updated')])
    await tick(T0 + 10 * MIN)
    expect((await revisionAlerts()).sort()).toEqual(['Story number 1 from the council, updated', 'Story number 3 from the council, updated'])
  })

  it('processes items deferred for the KV budget on the next tick, though the feed did not change', async () => {
    // 300 new items at about 3 KV operations each pass the 700 operations a tick gives items: some wait.
    // A server whose ETag never changes: kept validators would make the second tick a 304.
    network.serve(FEED, feedResponder(() => body, { etag: '"same"' }))
    body = rss(Array.from({ length: 300 }, (_, i) => item(i)))
    const feedId = await addFeed(FEED)
    await tick(T0)
    const first = Object.keys((await stateOf(feedId)).items).length
    expect(first).toBeLessThan(300)
    await tick(T0 + 5 * MIN)
    expect(Object.keys((await stateOf(feedId)).items)).toHaveLength(300)
    // Everything recorded: the validators are kept again, so the next unchanged poll is a 304.
    expect((await stateOf(feedId)).validators.etag).toBe('"same"')
  })
})
