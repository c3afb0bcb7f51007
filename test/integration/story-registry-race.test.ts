// A tick's story save merges into the registry as it stands: an API edit landing while the tick scores survives.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, env, json, tick } from '../support/worker'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { KEYS } from '../../src/storage/keys'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const STORY = 'grooming-gangs-inquiry'
const FEED = 'https://news-a.example.com/rss.xml'

const FOLLOW_UP = {
  slug: 'national-inquiry-confirmed',
  title: 'Home Secretary confirms national inquiry into grooming gangs after damning Casey audit',
  text:
    'The government will set up a full national statutory inquiry into grooming gangs, the Home Secretary told MPs, ' +
    'after Baroness Casey\u2019s audit found that the ethnicity of offenders had been ignored for years. ' +
    'Survivors of child sexual exploitation in Oldham and Rochdale, who had campaigned for a national inquiry, said the decision was long overdue.',
}
const RAIL = {
  slug: 'rail-fares',
  title: 'Rail fares to rise by 4.6% in March',
  text: 'Regulated rail fares in England will rise by 4.6% from March, the Department for Transport said, prompting anger from passenger groups.',
}

function rss(items: (typeof RAIL)[]): string {
  const entries = items
    .map((i) => `<item><title>${i.title}</title><link>https://news-a.example.com/news/${i.slug}</link><guid>https://news-a.example.com/news/${i.slug}</guid><description>${i.text}</description><pubDate>Mon, 07 Jan 2030 08:00:00 GMT</pubDate></item>`)
    .join('')
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>News A</title><link>https://news-a.example.com/</link>${entries}</channel></rss>`
}

/** The tick's KV binding: after the tick's first read of the story registry, `edit` runs (through the API) before the read returns. */
function editAfterFirstRegistryRead(edit: () => Promise<void>): KVNamespace {
  let edited = false
  return new Proxy(env.STORE, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        if (prop === 'get' && args[0] === KEYS.storyRegistry() && !edited) {
          edited = true
          await edit()
        }
        return result
      }
    },
  })
}

interface StoryDetail {
  id: string
  title: string
  counts: { matches: number; alerts: number; feedbackRelevant: number; feedbackIrrelevant: number }
  profile: { adaptiveUpdates: number }
}

async function story(id: string): Promise<StoryDetail> {
  return json<StoryDetail>(await api(`/api/stories/${id}`))
}

async function expectOk(response: Response): Promise<void> {
  if (!response.ok) throw new Error(`API edit failed: ${response.status} ${await response.text()}`)
}

let items: (typeof RAIL)[]
let network: FakeNetwork
beforeEach(async () => {
  await reset()
  items = [RAIL]
  network = new FakeNetwork().install()
  network.serve(FEED, feedResponder(() => rss(items)))
  await addFeed(FEED)
  // The first tick creates the default story; the second brings a follow-up, which matches it.
  await tick(T0, { SEED_DEFAULT_STORY: 'true' })
  items = [FOLLOW_UP, RAIL]
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** The second tick, with `edit` landing between its first read of the registry and its save. */
async function tickWithEdit(edit: () => Promise<void>): Promise<void> {
  await tick(T0 + 5 * MIN, { SEED_DEFAULT_STORY: 'true', STORE: editAfterFirstRegistryRead(edit) })
  const followUps = await json<{ items: unknown[] }>(await api(`/api/alerts?type=follow_up&story=${STORY}`))
  expect(followUps.items).toHaveLength(1)
}

describe('a story edit made through the API while a tick scores', () => {
  it('keeps a story created meanwhile, and the tick\'s match on the story it scored', async () => {
    let created = ''
    await tickWithEdit(async () => {
      const res = await api('/api/stories', { method: 'POST', json: { title: 'Rail fares', seedText: `${RAIL.title}\n\n${RAIL.text} Fares rose again in 2029.` } })
      await expectOk(res)
      created = (await json<{ id: string }>(res)).id
    })
    const list = await json<{ items: { id: string }[] }>(await api('/api/stories'))
    expect(list.items.map((s) => s.id).sort()).toEqual([STORY, created].sort())
    expect((await story(STORY)).counts).toMatchObject({ matches: 1, alerts: 1 })
  })

  it('keeps a rename made meanwhile, with the tick\'s counts and what its profile learned', async () => {
    await tickWithEdit(async () => {
      await expectOk(await api(`/api/stories/${STORY}`, { method: 'PATCH', json: { title: 'Grooming gangs inquiry (desk)', threshold: 0.45 } }))
    })
    const detail = await story(STORY)
    expect(detail.title).toBe('Grooming gangs inquiry (desk)')
    expect(detail).toMatchObject({ threshold: 0.45, counts: { matches: 1, alerts: 1 }, profile: { adaptiveUpdates: 1 } })
  })

  it('keeps feedback given meanwhile: its count and what the profile learned from it, with the tick\'s', async () => {
    const articles = await json<{ items: { id: string; title: string }[] }>(await api('/api/articles?limit=10'))
    const rail = articles.items.find((a) => a.title === RAIL.title)
    await tickWithEdit(async () => {
      await expectOk(await api(`/api/stories/${STORY}/feedback`, { method: 'POST', json: { articleId: rail?.id, relevant: false } }))
    })
    const detail = await story(STORY)
    expect(detail.counts).toEqual({ matches: 1, alerts: 1, feedbackRelevant: 0, feedbackIrrelevant: 1 })
    expect(detail.profile.adaptiveUpdates).toBe(2)
  })

  it('keeps a story deleted meanwhile deleted', async () => {
    await tickWithEdit(async () => {
      await expectOk(await api(`/api/stories/${STORY}`, { method: 'DELETE' }))
    })
    expect((await api(`/api/stories/${STORY}`)).status).toBe(404)
    expect((await json<{ items: unknown[] }>(await api('/api/stories'))).items).toEqual([])
  })
})
