// Story tracking end to end: the default story, follow-up alerts with explanations, developments, backfill, feedback.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { reset } from 'cloudflare:test'
import { addFeed, api, env, json, tick } from '../support/worker'
import { countingKv } from '../../src/storage/counting-kv'
import { FakeNetwork, feedResponder } from '../support/fake-network'
import { FOLLOW_UP, UNRELATED } from '../support/story-items'

const MIN = 60_000
const T0 = Date.UTC(2030, 0, 7, 9, 0, 0)
const WITH_STORY = { SEED_DEFAULT_STORY: 'true' }

interface Item {
  slug: string
  title: string
  text: string
  /** RFC 822; Mon, 07 Jan 2030 08:00:00 GMT when absent; null: no pubDate at all. */
  pubDate?: string | null
}

const AGENCY_COPY: Item = {
  slug: 'inquiry-confirmed-agency',
  title: 'National inquiry into grooming gangs confirmed after Casey audit',
  text:
    'A full national statutory inquiry into grooming gangs will be set up, the Home Secretary told MPs, ' +
    'after Baroness Casey\u2019s audit found that the ethnicity of offenders had been ignored for years. ' +
    'Survivors of child sexual exploitation in Oldham and Rochdale, who campaigned for a national inquiry, said the decision was long overdue. ' +
    'The inquiry will be able to compel witnesses and will examine how councils and police failed victims of the gangs.',
}
const HARD_NEGATIVE: Item = {
  slug: 'reform-wins-kent',
  title: 'Reform UK takes control of Kent county council as Farage hails historic night',
  text:
    'Nigel Farage said Reform UK had become the real opposition after the party won a majority on Kent county council ' +
    'and gained hundreds of councillors across England in the local elections. Labour and the Conservatives both lost seats. ' +
    'Mr Farage promised Reform councils would cut waste and scrap net zero projects.',
}

// A long budget story (over 300 words) that comes to the inquiry only in its last paragraph: a mention, not the story.
const BUDGET_PARAGRAPHS = [
  'The Chancellor has told MPs that public borrowing will be higher than forecast this year, as she set out a spring statement dominated by weaker growth and rising debt interest costs.',
  'Rachel Reeves said the Office for Budget Responsibility had cut its forecast for economic growth to one per cent, half the figure it expected in the autumn, after a slow winter for retailers and manufacturers. She insisted the government would meet its fiscal rules by the end of the decade, and announced a further round of savings across Whitehall departments to restore the headroom she had promised.',
  'Welfare spending will be trimmed by tightening eligibility for the health element of universal credit, a change the Treasury says will save almost five billion pounds a year by 2030. Disability charities warned that hundreds of thousands of people could lose support, and several Labour backbenchers said they would find it hard to vote for the measures.',
  'Defence spending will rise to 2.5 per cent of national income sooner than planned, funded partly by cuts to the overseas aid budget. The Chancellor also confirmed a new fund for housebuilding, promising that planning reforms would unlock a million and a half homes over the parliament.',
  'The shadow chancellor said the statement showed the government had lost control of the public finances, while the Liberal Democrats called for a new deal with the European Union to lift trade. Economists at the Institute for Fiscal Studies said the room for manoeuvre was so small that another tax rise in the autumn looked likely.',
  'Markets reacted calmly. The pound was little changed against the dollar and the yield on ten-year government bonds edged down after the Debt Management Office said it would sell fewer long-dated gilts. Business groups welcomed the planning changes but said energy costs remained the biggest worry for manufacturers.',
  'In a wide-ranging session of questions afterwards, the Chancellor was also asked about spending on policing, schools and the justice system.',
]
const LONG_MENTION: Item = {
  slug: 'spring-statement',
  title: 'Chancellor sets out spring statement as borrowing overshoots',
  text: [
    ...BUDGET_PARAGRAPHS,
    'Ms Reeves was also asked about the cost of the national statutory inquiry into grooming gangs, which the Home Secretary ' +
      'ordered after Baroness Casey\u2019s audit of child sexual exploitation. She said the inquiry would be paid for from the ' +
      'Home Office budget and that survivors in Oldham and Rochdale would not be let down.',
  ].join(' '),
}
// The follow-up, followed by the same 300 words of background: a long article whose lead is the story.
const LONG_FOLLOW_UP: Item = { slug: 'inquiry-confirmed-long', title: FOLLOW_UP.title, text: [FOLLOW_UP.text, ...BUDGET_PARAGRAPHS].join(' ') }

function rss(host: string, items: Item[]): string {
  const entries = items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://${host}/news/${i.slug}</link><guid>https://${host}/news/${i.slug}</guid><description>${i.text}</description>${i.pubDate === null ? '' : `<pubDate>${i.pubDate ?? 'Mon, 07 Jan 2030 08:00:00 GMT'}</pubDate>`}</item>`,
    )
    .join('')
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${host}</title><link>https://${host}/</link>${entries}</channel></rss>`
}

interface FollowUpAlert {
  id: string
  type: string
  storyId: string
  articleId: string
  title: string
  score: number
  explanation: { terms: string[]; entities: string[]; phrases: string[] }
  clusterId: string
  alsoReportedBy: { articleId: string; feedId: string }[]
}

let network: FakeNetwork
let itemsA: Item[]
let itemsB: Item[]
beforeEach(async () => {
  await reset()
  itemsA = [HARD_NEGATIVE, UNRELATED]
  itemsB = []
  network = new FakeNetwork().install()
  network.serve('https://news-a.example.com/rss.xml', feedResponder(() => rss('news-a.example.com', itemsA)))
  network.serve('https://news-b.example.org/rss.xml', feedResponder(() => rss('news-b.example.org', itemsB)))
})
afterEach(() => {
  vi.restoreAllMocks()
})

async function followUps(): Promise<FollowUpAlert[]> {
  return (await json<{ items: FollowUpAlert[] }>(await api('/api/alerts?type=follow_up&story=grooming-gangs-inquiry'))).items
}

describe('the default story', () => {
  it('is tracked from the first run and listed with its profile', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    const list = await json<{ items: { id: string; isDefault: boolean; title: string }[] }>(await api('/api/stories'))
    expect(list.items).toEqual([expect.objectContaining({ id: 'grooming-gangs-inquiry', isDefault: true })])
    const detail = await json<{ profile: { terms: { term: string }[]; entities: { entity: string }[]; threshold: number } }>(await api('/api/stories/grooming-gangs-inquiry'))
    expect(detail.profile.terms.length).toBeGreaterThan(5)
    expect(detail.profile.entities.length).toBeGreaterThan(0)
    expect(detail.profile.threshold).toBeGreaterThan(0)
  })

  it('raises one follow-up alert with an explanation for a follow-up, and none for a hard negative', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    expect(await followUps()).toEqual([])
    itemsA = [FOLLOW_UP, HARD_NEGATIVE, UNRELATED]
    await tick(T0 + 5 * MIN, WITH_STORY)
    const alerts = await followUps()
    expect(alerts).toHaveLength(1)
    const alert = alerts[0]
    expect(alert?.title).toBe(FOLLOW_UP.title)
    expect(alert?.score).toBeGreaterThan(0)
    expect([...(alert?.explanation.terms ?? []), ...(alert?.explanation.phrases ?? [])].length).toBeGreaterThan(0)
    await tick(T0 + 10 * MIN, WITH_STORY)
    expect(await followUps()).toHaveLength(1)
    const matches = await json<{ items: { articleId: string; clusterId: string }[] }>(await api('/api/stories/grooming-gangs-inquiry/matches'))
    expect(matches.items.map((m) => m.articleId)).toEqual([alert?.articleId])
  })

  it('groups the same development in two outlets into one alert listing the other outlet', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    const b = await addFeed('https://news-b.example.org/rss.xml')
    await tick(T0, WITH_STORY)
    itemsA = [FOLLOW_UP]
    await tick(T0 + 5 * MIN, WITH_STORY)
    itemsB = [AGENCY_COPY]
    await tick(T0 + 10 * MIN, WITH_STORY)
    const alerts = await followUps()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]?.alsoReportedBy.map((o) => o.feedId)).toEqual([b])
    const matches = await json<{ items: { clusterId: string }[] }>(await api('/api/stories/grooming-gangs-inquiry/matches'))
    expect(matches.items).toHaveLength(2)
    expect(new Set(matches.items.map((m) => m.clusterId)).size).toBe(1)
  })

  it('raises the follow-up when a revision turns an article into one', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    const vague: Item = { slug: FOLLOW_UP.slug, title: 'Home Secretary to make Commons statement', text: 'The Home Secretary will update MPs this afternoon.' }
    itemsA = [vague]
    await tick(T0, WITH_STORY)
    expect(await followUps()).toEqual([])
    itemsA = [FOLLOW_UP]
    await tick(T0 + 5 * MIN, WITH_STORY)
    expect(await followUps()).toHaveLength(1)
  })
})

describe('alerting rules', () => {
  it('does not alert on a new feed\'s back catalogue, published over 48 hours before it is first seen, but records it as matches', async () => {
    itemsA = [{ ...FOLLOW_UP, pubDate: 'Fri, 04 Jan 2030 08:00:00 GMT' }, HARD_NEGATIVE]
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    expect(await followUps()).toEqual([])
    const matches = await json<{ items: { via: string }[] }>(await api('/api/stories/grooming-gangs-inquiry/matches'))
    expect(matches.items).toEqual([expect.objectContaining({ via: 'backfill' })])
  })

  it('alerts on a fresh follow-up in a newly added feed\'s first poll', async () => {
    itemsA = [FOLLOW_UP, HARD_NEGATIVE]
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    expect((await followUps()).map((a) => a.title)).toEqual([FOLLOW_UP.title])
  })

  it('records an undated follow-up in a feed\'s first poll quietly, since nothing tells it from the back catalogue', async () => {
    itemsA = [{ ...FOLLOW_UP, pubDate: null }, HARD_NEGATIVE]
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    expect(await followUps()).toEqual([])
    const matches = await json<{ items: { via: string }[] }>(await api('/api/stories/grooming-gangs-inquiry/matches'))
    expect(matches.items).toEqual([expect.objectContaining({ via: 'backfill' })])
  })

  it('scores a long article on its headline and first 300 words, so a late mention is not a follow-up and a long follow-up is', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    itemsA = [LONG_MENTION, LONG_FOLLOW_UP]
    await tick(T0 + 5 * MIN, WITH_STORY)
    expect(LONG_MENTION.text.split(/\s+/).length).toBeGreaterThan(300)
    expect((await followUps()).map((a) => a.title)).toEqual([LONG_FOLLOW_UP.title])
  })

  it('records an article first seen days after it was published as a match, not as news', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    itemsA = [FOLLOW_UP]
    // the feed brings a follow-up published three days before this tick
    await tick(T0 + 3 * 24 * 60 * MIN, WITH_STORY)
    expect(await followUps()).toEqual([])
    const matches = await json<{ items: { via: string }[] }>(await api('/api/stories/grooming-gangs-inquiry/matches'))
    expect(matches.items).toEqual([expect.objectContaining({ via: 'backfill' })])
  })

  it('groups two outlets\' copies arriving in the same tick into one alert, first report first', async () => {
    const a = await addFeed('https://news-a.example.com/rss.xml')
    const b = await addFeed('https://news-b.example.org/rss.xml')
    await tick(T0, WITH_STORY)
    itemsA = [FOLLOW_UP]
    itemsB = [AGENCY_COPY]
    // The agency copy, in the feed added (and polled) second, was published 30 minutes before outlet A's report.
    network.serve('https://news-b.example.org/rss.xml', feedResponder(() => rss('news-b.example.org', itemsB).replace('08:00:00 GMT', '07:30:00 GMT')))
    await tick(T0 + 5 * MIN, WITH_STORY)
    const articles = await json<{ items: { id: string; url: string }[] }>(await api('/api/articles?limit=10'))
    const idOf = (url: string) => articles.items.find((x) => x.url === url)?.id
    const first = idOf(`https://news-b.example.org/news/${AGENCY_COPY.slug}`)
    const second = idOf(`https://news-a.example.com/news/${FOLLOW_UP.slug}`)
    expect(first).toBeDefined()
    expect(second).toBeDefined()
    const alerts = await followUps()
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ articleId: first, title: AGENCY_COPY.title })
    expect(alerts[0]?.alsoReportedBy).toEqual([expect.objectContaining({ articleId: second, feedId: a })])
    expect(alerts[0]?.alsoReportedBy.map((o) => o.feedId)).not.toContain(b)
  })

  it('never alerts twice for one article and story, even after the article is revised', async () => {
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    itemsA = [FOLLOW_UP]
    await tick(T0 + 5 * MIN, WITH_STORY)
    itemsA = [{ ...FOLLOW_UP, title: `${FOLLOW_UP.title}: survivors react` }]
    await tick(T0 + 10 * MIN, WITH_STORY)
    expect((await json<{ items: unknown[] }>(await api('/api/alerts?type=revision'))).items).toHaveLength(1)
    expect(await followUps()).toHaveLength(1)
  })

  it('reads no story key and writes only the heartbeat on a tick with nothing new', async () => {
    itemsA = [FOLLOW_UP, HARD_NEGATIVE]
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0, WITH_STORY)
    const { kv, counts } = countingKv(env.STORE)
    await tick(T0 + 5 * MIN, { ...WITH_STORY, STORE: kv })
    expect(counts.writes).toBe(1)
    expect(counts.reads).toBe(3) // the feed registry, the feed's state and the webhook registry
  })
})

describe('/api/stories', () => {
  it('creates a story from a seed text, backfills stored coverage without alerts, and takes feedback', async () => {
    itemsA = [FOLLOW_UP, HARD_NEGATIVE, UNRELATED]
    await addFeed('https://news-a.example.com/rss.xml')
    await tick(T0)
    const seedText = [FOLLOW_UP.title, FOLLOW_UP.text, AGENCY_COPY.text].join('\n\n')
    const res = await api('/api/stories', { method: 'POST', json: { title: 'Grooming gangs inquiry (desk)', seedText } })
    expect(res.status).toBe(201)
    const story = await json<{ id: string; backfill: { scored: number; matched: number } }>(res)
    expect(story.backfill.scored).toBe(3)
    expect(story.backfill.matched).toBe(1)
    expect((await json<{ items: unknown[] }>(await api('/api/alerts?type=follow_up'))).items).toEqual([])

    const matches = await json<{ items: { articleId: string; via: string }[] }>(await api(`/api/stories/${story.id}/matches`))
    expect(matches.items).toEqual([expect.objectContaining({ via: 'backfill' })])
    const articles = await json<{ items: { id: string; title: string }[] }>(await api('/api/articles?limit=10'))
    const negative = articles.items.find((a) => a.title === HARD_NEGATIVE.title)
    const fb = await api(`/api/stories/${story.id}/feedback`, { method: 'POST', json: { articleId: negative?.id, relevant: false } })
    expect(fb.status).toBe(200)
    const detail = await json<{ counts: { feedbackIrrelevant: number; matches: number } }>(await api(`/api/stories/${story.id}`))
    expect(detail.counts.feedbackIrrelevant).toBe(1)
  })

  it.each([
    ['no seed at all', { title: 'A story' }, '(body)'],
    ['a seed text that is too short', { title: 'A story', seedText: 'short' }, 'seedText'],
    ['an unknown field', { title: 'A story', seedText: 'x'.repeat(60), seeds: [] }, 'seeds'],
    ['a threshold out of range', { title: 'A story', seedText: 'x'.repeat(60), threshold: 3 }, 'threshold'],
  ])('refuses %s with 400 naming the field', async (_name, body, field) => {
    const res = await api('/api/stories', { method: 'POST', json: body })
    expect(res.status).toBe(400)
    expect((await json<{ error: { message: string } }>(res)).error.message).toContain(field)
  })

  it('refuses a seed article id that is not stored', async () => {
    const res = await api('/api/stories', { method: 'POST', json: { title: 'A story', seedArticleIds: ['0123456789abcdef0123'] } })
    expect(res.status).toBe(400)
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe('unknown_seed_article')
  })

  it('changes and deletes a story, and answers 404 for an unknown one', async () => {
    const created = await json<{ id: string }>(
      await api('/api/stories', { method: 'POST', json: { title: 'Horizon scandal', seedText: 'The Post Office Horizon inquiry heard evidence from Fujitsu engineers about remote access to sub-postmasters accounts.' } }),
    )
    const patched = await api(`/api/stories/${created.id}`, { method: 'PATCH', json: { threshold: 0.6, excludeKeywords: ['royal mail'] } })
    expect(patched.status).toBe(200)
    expect(await json(patched)).toMatchObject({ threshold: 0.6, excludeKeywords: ['royal mail'] })
    expect((await api(`/api/stories/${created.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await api(`/api/stories/${created.id}`)).status).toBe(404)
    expect((await api('/api/stories/no-such-story/matches')).status).toBe(404)
  })
})
