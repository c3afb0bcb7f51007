// A development's first reporter is its earliest report, even when that copy reaches us a tick after another outlet's,
// while the alert already raised for the copy seen first stays that copy's and lists the earlier outlet.
import { describe, expect, it } from 'vitest'
import { TOKEN, addFeed, api, env, json, tick } from '../support/worker'
import { feedResponder, freshWorldEachTest } from '../support/fake-network'
import { KEYS } from '../../src/storage/keys'
import type { StoryCluster } from '../../src/stories/story-store'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const WITH_STORY = { SEED_DEFAULT_STORY: 'true' }
const STORY = 'grooming-gangs-inquiry'
const FEED_A = 'https://news-a.example.com/rss.xml'
const FEED_B = 'https://news-b.example.org/rss.xml'
const FEED_C = 'https://news-c.example.net/rss.xml'

interface Item {
  slug: string
  title: string
  text: string
  /** RFC 822 publication time. */
  published: string
}

const TEXT =
  'The government will set up a full national statutory inquiry into grooming gangs, the Home Secretary told MPs, ' +
  'after Baroness Casey\u2019s audit found that the ethnicity of offenders had been ignored for years. ' +
  'Survivors of child sexual exploitation in Oldham and Rochdale, who had campaigned for a national inquiry, said the decision was long overdue. ' +
  'The inquiry will have powers to compel witnesses and will examine how councils and police failed victims of the gangs.'
// Copy A: published at 08:30, polled on the tick at 09:05.
const COPY_A: Item = { slug: 'inquiry-confirmed', title: 'Home Secretary confirms national inquiry into grooming gangs after damning Casey audit', text: TEXT, published: 'Mon, 07 Jan 2030 08:30:00 GMT' }
// Copy B: the same agency copy, published earlier (08:00) by another outlet, polled only on the tick at 09:10.
const COPY_B: Item = { slug: 'inquiry-confirmed-agency', title: 'Home Secretary confirms national inquiry into grooming gangs after Casey audit', text: TEXT, published: 'Mon, 07 Jan 2030 08:00:00 GMT' }
// Copy C: a third outlet, published last (08:45), polled on the tick at 09:10 with B.
const COPY_C: Item = { slug: 'inquiry-confirmed-wire', title: 'National inquiry into grooming gangs confirmed after Casey audit', text: TEXT, published: 'Mon, 07 Jan 2030 08:45:00 GMT' }

function rss(host: string, items: readonly Item[]): string {
  const entries = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://${host}/news/${i.slug}</link><guid>https://${host}/news/${i.slug}</guid>` +
        `<description>${i.text}</description><pubDate>${i.published}</pubDate></item>`,
    )
    .join('')
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>${entries}</channel></rss>`
}

interface FollowUpAlert {
  articleId: string
  feedId: string
  clusterId: string
  alsoReportedBy: { articleId: string; feedId: string }[]
}

const network = freshWorldEachTest({ quietLogs: true })
const served: Record<string, Item[]> = {}
function serve(url: string): void {
  served[url] = []
  network.serve(url, feedResponder(() => rss(new URL(url).host, served[url] ?? [])))
}

async function followUps(): Promise<FollowUpAlert[]> {
  return (await json<{ items: FollowUpAlert[] }>(await api(`/api/alerts?type=follow_up&story=${STORY}`))).items
}

async function clusters(): Promise<StoryCluster[]> {
  return (await env.STORE.get<{ clusters: StoryCluster[] }>(KEYS.storyClusters(STORY), 'json'))?.clusters ?? []
}

async function articleIdOf(title: string): Promise<string | undefined> {
  const articles = await json<{ items: { id: string; title: string }[] }>(await api('/api/articles?limit=20'))
  return articles.items.find((a) => a.title === title)?.id
}

describe('a development reported earlier by a copy polled later', () => {
  /** Copy A appears on the second tick, copy B (published earlier, another outlet) on the third; the feeds' ids. */
  async function copyASeenBeforeEarlierCopyB(): Promise<{ a: string; b: string }> {
    for (const url of [FEED_A, FEED_B]) serve(url)
    const a = await addFeed(FEED_A)
    const b = await addFeed(FEED_B)
    await tick(T0, WITH_STORY)
    served[FEED_A] = [COPY_A]
    await tick(T0 + 5 * MIN, WITH_STORY)
    served[FEED_B] = [COPY_B]
    await tick(T0 + 10 * MIN, WITH_STORY)
    return { a, b }
  }

  it('keeps one alert, for the copy seen first, listing the earlier copy, and makes the earlier copy the first reporter', async () => {
    const { a, b } = await copyASeenBeforeEarlierCopyB()

    const alerts = await followUps()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.feedId).toBe(a)
    expect(alerts[0]?.articleId).toBe(await articleIdOf(COPY_A.title))
    expect(alerts[0]?.alsoReportedBy).toEqual([expect.objectContaining({ feedId: b, articleId: await articleIdOf(COPY_B.title) })])

    const [development] = await clusters()
    expect(development?.clusterId).toBe(alerts[0]?.clusterId)
    expect(development?.members.map((m) => m.feedId)).toEqual([b, a])
    expect(development?.members[0]?.firstSeenAt).toBe('2030-01-07T08:00:00.000Z')
  })

  it('names the earlier outlet as first reporter on the story page, and the alert\'s outlet among the others', async () => {
    await copyASeenBeforeEarlierCopyB()

    const html = await (await api(`/stories/${STORY}?token=${TOKEN}`, { token: null })).text()
    expect(html).toContain('Development first reported by news-b.example.org')
    expect(html).toContain('Also reported by: news-a.example.com')
  })

  it('lists every other outlet once, earliest first, never the alert\'s own', async () => {
    for (const url of [FEED_A, FEED_B, FEED_C]) serve(url)
    const a = await addFeed(FEED_A)
    const b = await addFeed(FEED_B)
    const c = await addFeed(FEED_C)
    await tick(T0, WITH_STORY)
    served[FEED_A] = [COPY_A]
    await tick(T0 + 5 * MIN, WITH_STORY)
    served[FEED_C] = [COPY_C]
    served[FEED_B] = [COPY_B]
    await tick(T0 + 10 * MIN, WITH_STORY)
    // The alert's own outlet carries the copy again under another address: still not listed as another outlet.
    served[FEED_A] = [COPY_A, { ...COPY_A, slug: 'inquiry-confirmed-live', published: 'Mon, 07 Jan 2030 08:50:00 GMT' }]
    await tick(T0 + 15 * MIN, WITH_STORY)

    const alerts = await followUps()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.feedId).toBe(a)
    expect(alerts[0]?.alsoReportedBy.map((o) => o.feedId)).toEqual([b, c])
    const [development] = await clusters()
    expect(development?.members.map((m) => m.feedId)).toEqual([b, a, c, a])
  })
})
