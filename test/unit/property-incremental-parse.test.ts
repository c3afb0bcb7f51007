// Property tests (fast-check): reading a body with the items of the previous body left unparsed gives exactly what a full
// parse gives, for generated feeds under random edits and for every fixture under hostile mutations.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readFeedItems, type ReadItems } from '../../src/pipeline/refresh-feed'
import { parseFeedBody } from '../../src/feeds/parse-feed'
import { emptyFeedState, encodeBodyMemory } from '../../src/feeds/feed-store'
import { normaliseBody } from '../../src/articles/normalise-item'
import type { FeedState } from '../../src/model/feed'
import { FEED_URL, feedRegions, mutateDocument, mutateRegion, mutation } from '../support/hostile-feeds'

const CTX = { feedId: 'feed1', feedUrl: FEED_URL, capturedAt: '2030-01-07T09:00:00.000Z' }
const MAX_ITEMS = 500

/** The feed state a poll of `xml` leaves behind (every snapshot recorded), as refreshFeed writes it. */
async function stateAfter(xml: string): Promise<FeedState> {
  const read = await readFeedItems(xml, FEED_URL, emptyFeedState('feed1'), CTX)
  if (read.kind !== 'ok') return emptyFeedState('feed1')
  const items: Record<string, string> = {}
  for (const s of read.normalised.snapshots) items[s.articleId] = s.rawHash
  return { ...emptyFeedState('feed1'), items, body: encodeBodyMemory(read.normalised.memory) }
}

/** A full parse and normalisation of `xml` that reuses nothing. */
async function fullRead(xml: string): Promise<ReadItems> {
  const parsed = await parseFeedBody(xml, FEED_URL, { maxItems: MAX_ITEMS })
  if (parsed.kind !== 'ok') return parsed
  const normalised = normaliseBody(parsed.body, CTX, null)
  if (normalised.kind !== 'ok') throw new Error('a full parse needed a full parse')
  return { kind: 'ok', feed: parsed.body.feed, normalised: normalised.result }
}

/**
 * Polls `before` then `after`; the second read (which leaves out what it knows) must agree with a full read of `after`:
 * same outcome, feed fields, item memory and skipped items; the items it normalised are the full read's snapshots of
 * those articles, and each item it took over unchanged is one the full read finds with the raw hash the state holds.
 */
async function expectSameAsFullParse(before: string, after: string): Promise<{ leftOut: boolean }> {
  const state = await stateAfter(before)
  const incremental = await readFeedItems(after, FEED_URL, state, CTX)
  const full = await fullRead(after)
  if (incremental.kind !== 'ok' || full.kind !== 'ok') {
    expect(incremental).toEqual(full)
    return { leftOut: false }
  }
  const { items: _parsed, ...feedFields } = incremental.feed
  const { items: _all, ...fullFeedFields } = full.feed
  expect(feedFields).toEqual(fullFeedFields)
  expect(incremental.normalised.memory).toEqual(full.normalised.memory)
  expect(incremental.normalised.skipped.map((s) => s.index)).toEqual(full.normalised.skipped.map((s) => s.index))
  const takenOver = new Set(incremental.normalised.unchanged)
  expect(incremental.normalised.snapshots).toEqual(full.normalised.snapshots.filter((s) => !takenOver.has(s.articleId)))
  for (const id of takenOver) expect(full.normalised.snapshots.find((s) => s.articleId === id)?.rawHash).toBe(state.items[id])
  return { leftOut: incremental.feed.items.length < full.feed.items.length }
}

/** Counts the runs of a property that really left items unparsed, so a property that never gets there fails. */
function leftOutCounter(): { note: (r: { leftOut: boolean }) => void; runs: () => number; leftOut: () => number } {
  let runs = 0
  let leftOut = 0
  return {
    note: (r) => {
      runs++
      if (r.leftOut) leftOut++
    },
    runs: () => runs,
    leftOut: () => leftOut,
  }
}

// --- Generated feeds ------------------------------------------------------------------------------------------------

interface Item {
  guid: string | null
  permaLink: boolean
  link: string | null
  title: string
  description: string
  /** Raw XML added inside the item: comments, CDATA, PIs, attributes, entities. */
  extra: string
  base: string | null
}

interface Feed {
  format: 'rss2' | 'atom' | 'rss1'
  link: string
  rootBase: string | null
  built: string
  items: Item[]
  /** Raw XML between items (whitespace, comments). */
  between: string
}

/** Pieces that bend a scanner: tags in comments, CDATA and attribute values, PIs, entities, bare ampersands. */
const HOSTILE = [
  '',
  '<!-- </item></entry> -->',
  '<!-- <item><entry> -->',
  '<x a="</item>" b=\'</entry>\'>y</x>',
  '<x a="1 > 0">y</x>',
  '<x a=\'>\' b="</item></entry>">y</x>',
  '<?pi </item> ?>',
  '<category>M&amp;S</category>',
  '<category>M&S &pound;5</category>',
  '<category><![CDATA[</item></entry>]]></category>',
  '<category><![cdata[x]]></category>',
  '<media:description>a &lt;b&gt; c</media:description>',
  '<dc:creator>Amir Khan</dc:creator>',
]
const WORDS = ['inquiry', 'minister', 'flood', 'Rotherham', 'council', 'report', 'strike', 'M&amp;S', 'café', '“quoted”']
const words = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '))

const itemArb: fc.Arbitrary<Item> = fc.record({
  guid: fc.option(fc.oneof(fc.integer({ min: 1, max: 12 }).map((n) => `urn:x:${n}`), fc.integer({ min: 1, max: 12 }).map((n) => `https://news.example.com/a/${n}`)), { nil: null }),
  permaLink: fc.boolean(),
  link: fc.option(fc.integer({ min: 1, max: 12 }).map((n) => `https://news.example.com/a/${n}?utm_source=rss`), { nil: null }),
  title: words,
  description: words,
  extra: fc.constantFrom(...HOSTILE),
  base: fc.option(fc.constantFrom('https://news.example.com/sub/', '/other/'), { nil: null }),
})

const feedArb: fc.Arbitrary<Feed> = fc.record({
  format: fc.constantFrom('rss2' as const, 'atom' as const, 'rss1' as const),
  link: fc.constantFrom('https://news.example.com/', 'https://www.example.org/news/'),
  rootBase: fc.option(fc.constantFrom('https://news.example.com/', 'https://cdn.example.net/'), { nil: null }),
  built: fc.constantFrom('Mon, 07 Jan 2030 09:00:00 GMT', 'Mon, 07 Jan 2030 09:05:00 GMT'),
  items: fc.array(itemArb, { maxLength: 8 }),
  between: fc.constantFrom('\n', '', '\n  <!-- ad -->\n', ' '),
})

function itemXml(feed: Feed, item: Item): string {
  const base = item.base === null ? '' : ` xml:base="${item.base}"`
  if (feed.format === 'atom') {
    return [
      `<entry${base}>`,
      item.guid === null ? '' : `<id>${item.guid}</id>`,
      item.link === null ? '' : `<link href="${item.link.replace(/&/g, '&amp;')}"/>`,
      `<title type="html">${item.title}</title>`,
      `<summary>${item.description}</summary>`,
      item.extra,
      '</entry>',
    ].join('')
  }
  const about = feed.format === 'rss1' && item.link !== null ? ` rdf:about="${item.link.replace(/&/g, '&amp;')}"` : ''
  return [
    `<item${about}${base}>`,
    `<title>${item.title}</title>`,
    item.link === null ? '' : `<link>${item.link.replace(/&/g, '&amp;')}</link>`,
    item.guid === null ? '' : `<guid${item.permaLink ? '' : ' isPermaLink="false"'}>${item.guid}</guid>`,
    `<description><![CDATA[<p>${item.description}</p>]]></description>`,
    item.extra,
    '</item>',
  ].join('')
}

function feedXml(feed: Feed): string {
  const base = feed.rootBase === null ? '' : ` xml:base="${feed.rootBase}"`
  const items = feed.items.map((item) => itemXml(feed, item)).join(feed.between)
  const ns = 'xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
  switch (feed.format) {
    case 'atom':
      return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" ${ns}${base}><title>Desk</title><link href="${feed.link}"/><updated>2030-01-07T09:00:00Z</updated>\n${items}\n</feed>\n`
    case 'rss1':
      return `<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ${ns}${base}><channel rdf:about="${feed.link}"><title>Desk</title><link>${feed.link}</link></channel>\n${items}\n</rdf:RDF>\n`
    case 'rss2':
      return `<?xml version="1.0"?>\n<rss version="2.0" ${ns}${base}><channel><title>Desk</title><link>${feed.link}</link><lastBuildDate>${feed.built}</lastBuildDate>\n${items}\n</channel></rss>\n`
  }
}

type Edit =
  | { kind: 'add'; at: number; item: Item }
  | { kind: 'remove'; at: number }
  | { kind: 'change'; at: number; item: Item }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'share_guid'; at: number; with: number }
  | { kind: 'header'; link: string; rootBase: string | null; built: string }
  | { kind: 'between'; between: string }

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), item: itemArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('change' as const), at: fc.nat(), item: itemArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('share_guid' as const), at: fc.nat(), with: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('header' as const),
      link: fc.constantFrom('https://news.example.com/', 'https://www.example.org/news/'),
      rootBase: fc.option(fc.constantFrom('https://news.example.com/', 'https://cdn.example.net/'), { nil: null }),
      built: fc.constantFrom('Mon, 07 Jan 2030 09:10:00 GMT', 'Mon, 07 Jan 2030 09:00:00 GMT'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('between' as const), between: fc.constantFrom('\n', '', '\n  <!-- ad -->\n') }) },
)

function applyEdit(feed: Feed, edit: Edit): Feed {
  const items = [...feed.items]
  const at = (n: number) => (items.length === 0 ? 0 : n % items.length)
  switch (edit.kind) {
    case 'add':
      items.splice(edit.at % (items.length + 1), 0, edit.item)
      return { ...feed, items }
    case 'remove':
      items.splice(at(edit.at), 1)
      return { ...feed, items }
    case 'change': {
      const old = items[at(edit.at)]
      if (old === undefined) return feed
      // Keep the identity half the time, so most changes are revisions of a known article.
      items[at(edit.at)] = edit.at % 2 === 0 ? { ...edit.item, guid: old.guid, link: old.link } : edit.item
      return { ...feed, items }
    }
    case 'swap': {
      const a = items[at(edit.at)]
      const b = items[at(edit.with)]
      if (a === undefined || b === undefined) return feed
      items[at(edit.at)] = b
      items[at(edit.with)] = a
      return { ...feed, items }
    }
    case 'duplicate': {
      const item = items[at(edit.at)]
      if (item !== undefined) items.splice(at(edit.at), 0, item)
      return { ...feed, items }
    }
    case 'share_guid': {
      const source = items[at(edit.with)]
      const target = items[at(edit.at)]
      if (source === undefined || target === undefined) return feed
      items[at(edit.at)] = { ...target, guid: source.guid }
      return { ...feed, items }
    }
    case 'header':
      return { ...feed, link: edit.link, rootBase: edit.rootBase, built: edit.built }
    case 'between':
      return { ...feed, between: edit.between }
  }
}

describe('reading a changed body incrementally (property)', () => {
  it('gives what a full parse gives, for generated feeds under random edits', async () => {
    const counter = leftOutCounter()
    await fc.assert(
      fc.asyncProperty(feedArb, fc.array(editArb, { minLength: 0, maxLength: 5 }), async (feed, edits) => {
        const after = edits.reduce(applyEdit, feed)
        counter.note(await expectSameAsFullParse(feedXml(feed), feedXml(after)))
      }),
      { numRuns: 400 },
    )
    // Most runs must have taken the incremental path, or the property says little about it.
    expect(counter.leftOut()).toBeGreaterThan(counter.runs() / 3)
  })

  it('gives what a full parse gives over a sequence of polls, each remembering the last', async () => {
    await fc.assert(
      fc.asyncProperty(feedArb, fc.array(fc.array(editArb, { maxLength: 3 }), { minLength: 2, maxLength: 5 }), async (feed, polls) => {
        let state = await stateAfter(feedXml(feed))
        let current = feed
        for (const edits of polls) {
          current = edits.reduce(applyEdit, current)
          const xml = feedXml(current)
          const incremental = await readFeedItems(xml, FEED_URL, state, CTX)
          const full = await fullRead(xml)
          if (incremental.kind !== 'ok' || full.kind !== 'ok') {
            expect(incremental).toEqual(full)
            continue
          }
          expect(incremental.normalised.memory).toEqual(full.normalised.memory)
          const items: Record<string, string> = {}
          for (const id of incremental.normalised.unchanged) items[id] = state.items[id] ?? 'missing'
          for (const s of incremental.normalised.snapshots) items[s.articleId] = s.rawHash
          const fullItems = Object.fromEntries(full.normalised.snapshots.map((s) => [s.articleId, s.rawHash]))
          expect(items).toEqual(fullItems)
          state = { ...state, items, body: encodeBodyMemory(incremental.normalised.memory) }
        }
      }),
      { numRuns: 150 },
    )
  })
})

// --- Fixtures under hostile mutations ---------------------------------------------------------------------------------

const fixtures = import.meta.glob<string>('../../fixtures/feeds/*.xml', { query: '?raw', import: 'default', eager: true })
const FIXTURES = Object.entries(fixtures).map(([path, xml]) => ({ name: path.split('/').at(-1) ?? path, xml }))

describe('reading a mutated fixture incrementally (property)', () => {
  it('gives what a full parse gives when one item or the header of a fixture is mutated', async () => {
    const counter = leftOutCounter()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), fc.nat(), mutation, async (fixture, which, m) => {
        const regions = feedRegions(fixture.xml)
        const all = [regions.header, ...regions.items]
        const region = all[which % all.length] ?? regions.header
        counter.note(await expectSameAsFullParse(fixture.xml, mutateRegion(fixture.xml, region, m)))
      }),
      { numRuns: 300 },
    )
    expect(counter.leftOut()).toBeGreaterThan(counter.runs() / 4)
  })

  it('gives what a full parse gives when a whole fixture is mutated, in either direction', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (fixture, ms, forward) => {
        const mutated = mutateDocument(fixture.xml, ms)
        if (forward) await expectSameAsFullParse(fixture.xml, mutated)
        else await expectSameAsFullParse(mutated, fixture.xml)
      }),
      { numRuns: 300 },
    )
  })
})

describe('reading a changed body incrementally', () => {
  const rss = (items: string[], link = 'https://news.example.com/') =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title><link>${link}</link>${items.join('\n')}</channel></rss>`
  const item = (n: number, title = `Story ${n}`) => `<item><title>${title}</title><link>https://news.example.com/${n}</link><guid>urn:x:${n}</guid><description>Body of story ${n}.</description></item>`

  it('hands rss-parser only the items not seen in the last body', async () => {
    const state = await stateAfter(rss([item(1), item(2), item(3)]))
    const read = await readFeedItems(rss([item(4), item(1), item(2, 'Story 2, updated'), item(3)]), FEED_URL, state, CTX)
    expect(read.kind).toBe('ok')
    if (read.kind !== 'ok') return
    expect(read.feed.items.map((i) => i.title)).toEqual(['Story 4', 'Story 2, updated'])
    expect(read.normalised.snapshots.map((s) => s.title)).toEqual(['Story 4', 'Story 2, updated'])
    expect(read.normalised.unchanged).toHaveLength(2)
  })

  it('parses everything again when the feed link every item resolves against changes', async () => {
    const state = await stateAfter(rss([item(1), item(2)]))
    const read = await readFeedItems(rss([item(1), item(2)], 'https://www.example.org/'), FEED_URL, state, CTX)
    expect(read.kind === 'ok' ? read.normalised.snapshots.length : -1).toBe(2)
  })

  it('parses everything again when a new item shares the guid of an unchanged one', async () => {
    const state = await stateAfter(rss([item(1), item(2)]))
    const copy = item(1).replace('<link>https://news.example.com/1</link>', '<link>https://news.example.com/9</link>').replace('Story 1', 'Story 9')
    await expectSameAsFullParse(rss([item(1), item(2)]), rss([copy, item(1), item(2)]))
    const read = await readFeedItems(rss([copy, item(1), item(2)]), FEED_URL, state, CTX)
    // Both items now fall back to their links: item 1 gets a new identity, so it is normalised, not taken over.
    expect(read.kind === 'ok' ? read.normalised.snapshots.map((s) => s.title) : []).toEqual(['Story 9', 'Story 1'])
  })

  it('reads a state stored before bodies were remembered by parsing everything', async () => {
    const legacy: FeedState = { ...(await stateAfter(rss([item(1)]))), body: null }
    const read = await readFeedItems(rss([item(1), item(2)]), FEED_URL, legacy, CTX)
    expect(read.kind === 'ok' ? read.normalised.snapshots.map((s) => s.title) : []).toEqual(['Story 1', 'Story 2'])
  })

  it('reports the error of the whole body when a new item is malformed', async () => {
    const state = await stateAfter(rss([item(1)]))
    const broken = rss(['<item><title>Bad</titel></item>', item(1)])
    expect(await readFeedItems(broken, FEED_URL, state, CTX)).toEqual(await fullRead(broken))
    expect((await readFeedItems(broken, FEED_URL, state, CTX)).kind).toBe('not_a_feed')
  })
})
