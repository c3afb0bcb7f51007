// normaliseFeed: parsed items to snapshots; the same article serialised differently gives the same snapshot.
import { describe, it, expect } from 'vitest'
import { normaliseFeed, type NormaliseResult } from '../../src/articles/normalise-item'
import { parsedItem } from '../support/parsed-item'
import { normaliseForCompare } from '../../src/core/normalise-text'
import { sha256Hex } from '../../src/core/hash'
import { parseFeed } from '../../src/feeds/parse-feed'
import type { ParsedFeed, ParsedItem } from '../../src/model/feed'
import rss2 from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import reserialised from '../../fixtures/feeds/rss2-reserialised.xml?raw'
import editedHeadline from '../../fixtures/feeds/rss2-edited-headline.xml?raw'
import editedSummary from '../../fixtures/feeds/rss2-edited-summary.xml?raw'
import duplicateGuids from '../../fixtures/feeds/rss2-duplicate-guids.xml?raw'
import withoutGuids from '../../fixtures/feeds/rss2-items-without-guids.xml?raw'
import atom from '../../fixtures/feeds/atom-relative-links-xml-base.xml?raw'
import rss1 from '../../fixtures/feeds/rss1-rdf.xml?raw'

const FEED_URL = 'https://www.northernledger.co.uk/uk-news/rss'
const CAPTURED_AT = '2025-06-16T10:00:00.000Z'

async function normalised(xml: string, feedUrl = FEED_URL, feedId = 'northern-ledger-uk'): Promise<NormaliseResult> {
  const outcome = await parseFeed(xml, feedUrl)
  if (outcome.kind !== 'ok') throw new Error(outcome.message)
  return normaliseFeed(outcome.feed, { feedId, feedUrl, capturedAt: CAPTURED_AT })
}

function feedOf(...items: Partial<ParsedItem>[]): ParsedFeed {
  return {
    title: null,
    link: null,
    ttlMinutes: null,
    items: items.map((fields) => parsedItem(FEED_URL, fields)),
  }
}

const ctx = { feedId: 'f', feedUrl: FEED_URL, capturedAt: CAPTURED_AT }

describe('normaliseFeed on an RSS 2.0 feed', () => {
  it('produces a snapshot of plain text, canonical URL, sorted categories and UTC dates', async () => {
    const { snapshots, skipped } = await normalised(rss2)
    expect(skipped).toEqual([])
    expect(snapshots).toHaveLength(4)
    const first = snapshots[0]
    expect(first).toMatchObject({
      url: 'https://www.northernledger.co.uk/uk-news/2025/jun/16/grooming-gangs-inquiry-public-hearings',
      guid: 'https://www.northernledger.co.uk/uk-news/2025/jun/16/grooming-gangs-inquiry-public-hearings',
      title: 'Grooming gangs inquiry to hold first public hearings in the autumn',
      summary:
        'The national inquiry will take evidence from survivors in Rochdale, Rotherham and Telford before ministers decide on further powers.',
      author: 'Priya Natarajan',
      categories: ['Child protection', 'UK news'],
      publishedAt: '2025-06-16T08:30:00.000Z',
      updatedAt: null,
      feedId: 'northern-ledger-uk',
      capturedAt: CAPTURED_AT,
    })
    expect(first?.articleId).toMatch(/^[0-9a-f]{20}$/)
    expect(first?.content.split('\n\n')).toEqual([
      'The national inquiry into grooming gangs will hold its first public hearings in the autumn, the chair said on Monday, with survivors from Rochdale, Rotherham and Telford among the first witnesses.',
      '“We will go where the evidence takes us,” the chair told reporters in Manchester. “Survivors have waited too long to be heard.”',
      'The chair at the inquiry’s launch in Manchester.',
      'The inquiry has statutory powers to compel witnesses, including council officers and police officers who handled complaints between 1997 and 2013.',
    ])
  })

  it('hashes the normalised title, summary and content joined by U+0000', async () => {
    const { snapshots } = await normalised(rss2)
    for (const s of snapshots) {
      const expected = await sha256Hex([s.title, s.summary, s.content].map(normaliseForCompare).join('\u0000'))
      expect(s.contentHash).toBe(expected)
    }
  })

  it('decodes an escaped description and keeps list items as paragraphs', async () => {
    const second = (await normalised(rss2)).snapshots[1]
    expect(second?.summary).toBe('Counts continue in 23 councils after a night in which both main parties lost ground.')
    expect(second?.content).toContain('\n\nResults declared: 14 councils\n\nStill counting: 9 councils')
  })

  it('gives identical snapshots for the same feed re-serialised (CDATA, entities, order, whitespace)', async () => {
    const original = await normalised(rss2)
    const again = await normalised(reserialised)
    expect(again.skipped).toEqual([])
    expect(again.snapshots).toEqual(original.snapshots)
  })

  it.each([
    ['an edited headline', editedHeadline, 2, 'title'],
    ['an edited description', editedSummary, 3, 'summary'],
  ] as const)('changes only the hash of the item with %s', async (_name, edited, index, field) => {
    const before = (await normalised(rss2)).snapshots
    const after = (await normalised(edited)).snapshots
    expect(after.map((s) => s.articleId)).toEqual(before.map((s) => s.articleId))
    after.forEach((snapshot, i) => {
      if (i === index) {
        expect(snapshot.contentHash).not.toBe(before[i]?.contentHash)
        expect(snapshot[field]).not.toBe(before[i]?.[field])
      } else {
        expect(snapshot).toEqual(before[i])
      }
    })
  })

  it('falls back to links when a guid is repeated, and skips the second copy of one article', async () => {
    const { snapshots, skipped } = await normalised(duplicateGuids, 'https://www.kentishchronicle.co.uk/rss')
    expect(snapshots.map((s) => s.url)).toEqual([
      'https://www.kentishchronicle.co.uk/news/operation-brock-m20-summer',
      'https://www.kentishchronicle.co.uk/news/margate-school-outstanding',
      'https://www.kentishchronicle.co.uk/news/dover-port-passenger-numbers',
    ])
    expect(new Set(snapshots.map((s) => s.articleId)).size).toBe(3)
    expect(skipped).toHaveLength(1)
    expect(skipped[0]?.index).toBe(3)
    expect(skipped[0]?.reason).toMatch(/^same article as item 2 \(url https:\/\/www\.kentishchronicle\.co\.uk\/news\/dover-port/)
  })

  it('identifies items without guids by link, else by title and date, and skips the rest with a reason', async () => {
    const { snapshots, skipped } = await normalised(withoutGuids, 'https://www.cumbriaeveningpost.co.uk/rss')
    expect(snapshots.map((s) => [s.title, s.url, s.guid])).toEqual([
      ['A591 closed at Dunmail Raise after lorry overturns', 'https://www.cumbriaeveningpost.co.uk/news/a591-closed-dunmail-raise', null],
      // No link of its own: it points at the site the feed names.
      ['Carlisle United confirm new manager', 'https://www.cumbriaeveningpost.co.uk/', null],
    ])
    expect(skipped).toEqual([
      { index: 2, reason: 'no guid, no link and no title with a publication date' },
      { index: 3, reason: 'no guid, no link and no title with a publication date' },
    ])
  })
})

describe('normaliseFeed on Atom and RSS 1.0', () => {
  it('resolves relative Atom links against xml:base and turns markup in titles into text', async () => {
    const { snapshots } = await normalised(atom, 'https://feeds.westmidlandsreporter.co.uk/news.atom', 'wmr')
    expect(snapshots.map((s) => s.url)).toEqual([
      'https://www.westmidlandsreporter.co.uk/news/2025/05/06/birmingham-emergency-budget',
      'https://www.westmidlandsreporter.co.uk/health/2025/05/05/coventry-critical-incident',
      'https://www.westmidlandsreporter.co.uk/politics/2025/05/02/wolverhampton-count-delayed',
    ])
    expect(snapshots[0]).toMatchObject({
      title: 'Birmingham council sets out emergency budget after bin strike',
      summary: 'Cabinet members will vote on Thursday on £45m of savings.',
      categories: ['birmingham', 'local-government'],
      publishedAt: '2025-05-06T06:15:00.000Z',
      updatedAt: '2025-05-06T10:40:00.000Z',
    })
    expect(snapshots[1]?.summary).toBe(
      'Patients told to attend A&E only if it is an emergency, as waits exceed 12 hours < 48 hours ago',
    )
    expect(snapshots[1]?.content).toBe(
      'University Hospitals Coventry and Warwickshire declared a critical incident on Monday evening.\n\nThe trust said all beds were full and asked people to use NHS 111.',
    )
    expect(snapshots[2]).toMatchObject({ publishedAt: null, updatedAt: '2025-05-02T22:55:00.000Z', author: null, content: '' })
  })

  it('normalises an RSS 1.0 feed', async () => {
    const { snapshots } = await normalised(rss1, 'https://www.eastangliantimes.co.uk/rss', 'eat')
    expect(snapshots.map((s) => [s.url, s.publishedAt, s.categories])).toEqual([
      ['https://www.eastangliantimes.co.uk/news/2025/06/norwich-ambulance-handover-delays', '2025-06-09T05:00:00.000Z', ['NHS', 'Norwich']],
      ['https://www.eastangliantimes.co.uk/news/2025/05/suffolk-county-council-no-overall-control', '2025-05-02T14:30:00.000Z', ['Local elections']],
    ])
  })
})

describe('normaliseFeed field rules', () => {
  it('gives an article the same id in two feeds that share its link', async () => {
    const link = 'https://www.northernledger.co.uk/politics/2025/may/02/local-elections'
    const a = await normaliseFeed(feedOf({ link: `${link}?utm_source=rss`, title: 'A' }), ctx)
    const b = await normaliseFeed(feedOf({ link: `${link}#comments`, title: 'A' }), { ...ctx, feedId: 'g', feedUrl: 'https://feeds.other.co.uk/rss' })
    expect(a.snapshots[0]?.articleId).toBe(b.snapshots[0]?.articleId)
  })

  it('leaves the summary empty when it only repeats the content', async () => {
    const { snapshots } = await normaliseFeed(
      feedOf({ link: 'https://x.co.uk/a', summaryHtml: '<p>NHS waits fall.</p><p>Again.</p>', contentHtml: 'NHS waits fall.<br><br>Again.' }),
      ctx,
    )
    expect(snapshots[0]).toMatchObject({ summary: '', content: 'NHS waits fall.\n\nAgain.' })
  })

  it('keeps the summary empty when only content is given', async () => {
    const { snapshots } = await normaliseFeed(feedOf({ link: 'https://x.co.uk/a', contentHtml: '<p>Body</p>' }), ctx)
    expect(snapshots[0]).toMatchObject({ summary: '', content: 'Body' })
  })

  it('gives the same hash to texts that differ only in typography and invisible characters', async () => {
    const curly = await normaliseFeed(feedOf({ link: 'https://x.co.uk/a', title: '‘Don’t panic’ – minister', summaryHtml: 'Wait…' }), ctx)
    const plain = await normaliseFeed(feedOf({ link: 'https://x.co.uk/a', title: "'Don't panic' - minister", summaryHtml: 'Wait\u200B...' }), ctx)
    expect(curly.snapshots[0]?.contentHash).toBe(plain.snapshots[0]?.contentHash)
  })

  it('trims, de-duplicates and sorts categories', async () => {
    const { snapshots } = await normaliseFeed(feedOf({ link: 'https://x.co.uk/a', categories: [' NHS ', 'Health', 'NHS', '', 'health'] }), ctx)
    expect(snapshots[0]?.categories).toEqual(['Health', 'NHS', 'health'])
  })

  it('turns unparseable dates into null', async () => {
    const { snapshots } = await normaliseFeed(feedOf({ link: 'https://x.co.uk/a', published: 'soon', updated: '2025-13-40' }), ctx)
    expect(snapshots[0]).toMatchObject({ publishedAt: null, updatedAt: null })
  })

  it('caps title, summary and content', async () => {
    const { snapshots } = await normaliseFeed(
      feedOf({ link: 'https://x.co.uk/a', title: 't'.repeat(5000), summaryHtml: 's'.repeat(30_000), contentHtml: 'c'.repeat(300_000) }),
      ctx,
    )
    expect(snapshots[0]?.title).toHaveLength(1_000)
    expect(snapshots[0]?.summary).toHaveLength(20_000)
    expect(snapshots[0]?.content).toHaveLength(200_000)
  })

  it('uses the permalink guid as URL when the item has no link', async () => {
    const { snapshots } = await normaliseFeed(feedOf({ guid: 'https://x.co.uk/a?utm_source=rss#0', guidIsPermaLink: true }), ctx)
    expect(snapshots[0]?.url).toBe('https://x.co.uk/a')
  })

  it('keeps the first of two items with the same id', async () => {
    const { snapshots, skipped } = await normaliseFeed(
      feedOf({ link: 'https://x.co.uk/a', title: 'First' }, { link: 'https://x.co.uk/a?utm_source=x', title: 'Second' }),
      ctx,
    )
    expect(snapshots.map((s) => s.title)).toEqual(['First'])
    expect(skipped.map((s) => s.index)).toEqual([1])
  })
})
