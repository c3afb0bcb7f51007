// articleKey and articleIdFromKey: the same article gets the same id whichever feed carries it.
import { describe, it, expect } from 'vitest'
import { articleIdFromKey, articleKey } from '../../src/articles/article-id'
import type { ParsedItem } from '../../src/model/feed'
import { parsedItem } from '../support/parsed-item'

const UK_NEWS_FEED = 'https://www.northernledger.co.uk/uk-news/rss'
const POLITICS_FEED = 'https://feeds.northernledger.co.uk/politics/rss'

function item(fields: Partial<ParsedItem>): ParsedItem {
  return parsedItem(UK_NEWS_FEED, fields)
}

async function idOf(parsed: ParsedItem, feedUrl: string, unique = true): Promise<string | null> {
  const key = articleKey(parsed, feedUrl, unique)
  return key === null ? null : articleIdFromKey(key.key)
}

describe('articleKey', () => {
  it('gives an article the same id in two feeds that share its link', async () => {
    const link = 'https://www.northernledger.co.uk/politics/2025/may/02/local-elections'
    const inUkNews = item({ link: `${link}?utm_source=rss&utm_medium=uk-news` })
    const inPolitics = item({ link: `${link}?at_medium=RSS#comments`, baseUrl: POLITICS_FEED })
    expect(await idOf(inUkNews, UK_NEWS_FEED)).toBe(await idOf(inPolitics, POLITICS_FEED))
  })

  it("gives a BBC-style guid with a #0 fragment the same id as its link in a feed without guids", async () => {
    const bbcGuid = item({ guid: 'https://www.bbc.com/news/articles/c9vx1ykqd8go#0', link: 'https://www.bbc.com/news/articles/c9vx1ykqd8go?at_medium=RSS' })
    const linkOnly = item({ link: 'https://www.bbc.com/news/articles/c9vx1ykqd8go' })
    expect(articleKey(bbcGuid, 'https://feeds.bbci.co.uk/news/rss.xml', true)).toEqual({
      key: 'https://www.bbc.com/news/articles/c9vx1ykqd8go',
      basis: 'guid',
    })
    expect(await idOf(bbcGuid, 'https://feeds.bbci.co.uk/news/rss.xml')).toBe(await idOf(linkOnly, UK_NEWS_FEED))
  })

  it.each<[string, Partial<ParsedItem>, string, 'guid' | 'url' | 'title']>([
    ['uses a tag: guid as it is', { guid: 'tag:westmidlandsreporter.co.uk,2025:article-40211', link: 'https://a.co.uk/x' }, 'tag:westmidlandsreporter.co.uk,2025:article-40211', 'guid'],
    ['uses a urn: guid as it is', { guid: 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a' }, 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a', 'guid'],
    ['scopes a numeric guid by the host of the item link', { guid: '1184532', link: 'HTTPS://WWW.Northernledger.co.uk/society/x' }, 'guid:www.northernledger.co.uk:1184532', 'guid'],
    ['scopes a numeric guid by the feed host when the item has no link', { guid: '1184532' }, 'guid:www.northernledger.co.uk:1184532', 'guid'],
    ['scopes a guid with an unknown scheme like a plain one', { guid: 'post:77', link: 'https://blog.example.org/77' }, 'guid:blog.example.org:post:77', 'guid'],
    ['trims whitespace around a guid', { guid: '\n  tag:x,2025:1 \n' }, 'tag:x,2025:1', 'guid'],
    ['resolves a relative link against the item base', { link: '/news/a591-closed#comments', baseUrl: 'https://www.cumbriaeveningpost.co.uk/' }, 'https://www.cumbriaeveningpost.co.uk/news/a591-closed', 'url'],
    ['uses a permalink guid as the URL when there is no link', { guid: 'https://x.co.uk/a?utm_source=rss', guidIsPermaLink: true }, 'https://x.co.uk/a', 'guid'],
  ])('%s', (_name, fields, key, basis) => {
    expect(articleKey(item(fields), UK_NEWS_FEED, true)).toEqual({ key, basis })
  })

  it('falls back to the link when the guid is repeated in the feed, permalink or not', () => {
    const parsed = item({ guid: 'https://www.kentishchronicle.co.uk/', guidIsPermaLink: true, link: 'https://www.kentishchronicle.co.uk/news/margate' })
    expect(articleKey(parsed, UK_NEWS_FEED, false)).toEqual({ key: 'https://www.kentishchronicle.co.uk/news/margate', basis: 'url' })
  })

  it('falls back to a repeated permalink guid as the URL when there is no link', () => {
    const parsed = item({ guid: 'https://x.co.uk/a#0', guidIsPermaLink: true })
    expect(articleKey(parsed, UK_NEWS_FEED, false)).toEqual({ key: 'https://x.co.uk/a', basis: 'url' })
  })

  it('ignores a repeated guid that is not a permalink when there is no link', () => {
    expect(articleKey(item({ guid: '12', title: 'A' }), UK_NEWS_FEED, false)).toBeNull()
  })

  it('ignores a link that is not http(s)', () => {
    expect(articleKey(item({ link: 'javascript:alert(1)' }), UK_NEWS_FEED, true)).toBeNull()
  })

  it('ignores a guid longer than 2,048 characters', () => {
    const parsed = item({ guid: 'x'.repeat(2049), link: 'https://x.co.uk/a' })
    expect(articleKey(parsed, UK_NEWS_FEED, true)?.basis).toBe('url')
  })

  it('keys an item with only a title and a date by feed host, normalised title and ISO date', () => {
    const parsed = item({ title: ' Carlisle United  confirm <b>new</b> manager’s deal ', published: 'Fri, 18 Jul 2025 14:00:00 +0100' })
    expect(articleKey(parsed, 'https://www.cumbriaeveningpost.co.uk/rss', true)).toEqual({
      key: "title:www.cumbriaeveningpost.co.uk:carlisle united confirm new manager's deal|2025-07-18T13:00:00.000Z",
      basis: 'title',
    })
  })

  it('gives a title-only item the same key whether its date is RFC 822 or ISO 8601', () => {
    const rfc822 = item({ title: 'Letters', published: 'Fri, 18 Jul 2025 14:00:00 +0100' })
    const iso = item({ title: 'Letters', published: '2025-07-18T13:00:00Z' })
    expect(articleKey(rfc822, UK_NEWS_FEED, true)).toEqual(articleKey(iso, UK_NEWS_FEED, true))
  })

  it.each([
    ['only a title', { title: 'Letters to the editor' }],
    ['a title with an unparseable date', { title: 'Letters', published: 'yesterday' }],
    ['only a date', { published: '2025-07-18T13:00:00Z' }],
    ['nothing at all', {}],
  ])('returns null for an item with %s', (_name, fields) => {
    expect(articleKey(item(fields), UK_NEWS_FEED, true)).toBeNull()
  })
})

describe('articleIdFromKey', () => {
  it('is the first 20 hex characters of the SHA-256 of the key', async () => {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2 test vector)
    expect(await articleIdFromKey('abc')).toBe('ba7816bf8f01cfea4141')
  })

  it('gives different keys different ids', async () => {
    expect(await articleIdFromKey('https://x.co.uk/a')).not.toBe(await articleIdFromKey('https://x.co.uk/b'))
  })
})
