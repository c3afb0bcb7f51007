// parseFeed: RSS 0.9x/1.0/2.0 and Atom through rss-parser, xml:base, expected failures as values, hostile input.
import { describe, it, expect } from 'vitest'
import { parseFeed, type ParseOutcome } from '../../src/feeds/parse-feed'
import type { ParsedFeed } from '../../src/model/feed'
import rss2 from '../../fixtures/feeds/rss2-content-encoded.xml?raw'
import atom from '../../fixtures/feeds/atom-relative-links-xml-base.xml?raw'
import rss1 from '../../fixtures/feeds/rss1-rdf.xml?raw'
import htmlPage from '../../fixtures/feeds/html-page-not-a-feed.html?raw'
import emptyBody from '../../fixtures/feeds/empty-body.xml?raw'
import truncated from '../../fixtures/feeds/truncated-xml.xml?raw'

const FEED_URL = 'https://www.northernledger.co.uk/uk-news/rss'

async function parsed(text: string, feedUrl = FEED_URL): Promise<ParsedFeed> {
  const outcome = await parseFeed(text, feedUrl)
  if (outcome.kind !== 'ok') throw new Error(`expected a feed, got ${outcome.code}: ${outcome.message}`)
  return outcome.feed
}

function rssWith(itemXml: string, channelExtra = ''): string {
  return `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title><link>https://example.co.uk/</link>${channelExtra}<item>${itemXml}</item></channel></rss>`
}

describe('parseFeed on RSS 2.0', () => {
  it('reads the channel title, link and ttl', async () => {
    const feed = await parsed(rss2)
    expect(feed.title).toBe('The Northern Ledger – UK news')
    expect(feed.link).toBe('https://www.northernledger.co.uk/uk-news')
    expect(feed.ttlMinutes).toBe(15)
    expect(feed.items).toHaveLength(4)
  })

  it('maps description to the summary and content:encoded to the content', async () => {
    const [first] = (await parsed(rss2)).items
    expect(first?.title).toBe('Grooming gangs inquiry to hold first public hearings in the autumn')
    expect(first?.summaryHtml).toContain('<strong>Rochdale</strong>')
    expect(first?.contentHtml).toContain('<figcaption>The chair at the inquiry’s launch')
    expect(first?.author).toBe('Priya Natarajan')
    expect(first?.categories).toEqual(['UK news', 'Child protection', 'UK news'])
    expect(first?.published).toBe('Mon, 16 Jun 2025 09:30:00 +0100')
    expect(first?.link).toBe(
      'https://www.northernledger.co.uk/uk-news/2025/jun/16/grooming-gangs-inquiry-public-hearings?utm_source=rss&utm_medium=feed',
    )
  })

  it.each([
    ['an explicit isPermaLink="true" URL', 0, true],
    ['an isPermaLink="false" URL', 1, false],
    ['an isPermaLink="false" number', 2, false],
    ['a URL without isPermaLink (RSS 2.0 default true)', 3, true],
  ])('treats %s as permalink: %s', async (_name, index, expected) => {
    const item = (await parsed(rss2)).items[index]
    expect(item?.guidIsPermaLink).toBe(expected)
  })

  it('does not treat a guid without isPermaLink as a permalink when it is not a URL', async () => {
    const [item] = (await parsed(rssWith('<title>A</title><guid>abc-123</guid>'))).items
    expect(item?.guid).toBe('abc-123')
    expect(item?.guidIsPermaLink).toBe(false)
  })

  it('reads the summary from media:description when there is no description', async () => {
    const item = rssWith(
      '<title>A</title><media:group><media:description>Flood &lt;warning&gt; in York</media:description></media:group>',
    )
    const [parsedItem] = (await parsed(item)).items
    expect(parsedItem?.summaryHtml).toBe('Flood &lt;warning&gt; in York')
  })

  it('uses the channel link as the base of items when it is absolute', async () => {
    const items = (await parsed(rss2)).items
    expect(items.map((i) => i.baseUrl)).toEqual(Array(4).fill('https://www.northernledger.co.uk/uk-news'))
  })

  it('falls back to the feed URL as base when the channel link is relative', async () => {
    const xml = '<rss version="2.0"><channel><link>/news</link><item><title>A</title></item></channel></rss>'
    const [item] = (await parsed(xml)).items
    expect(item?.baseUrl).toBe(FEED_URL)
  })

  it('uses xml:base on the root element for every item', async () => {
    const xml =
      '<rss version="2.0" xml:base="https://static.example.co.uk/base/"><channel><link>https://example.co.uk/</link><item><title>A</title></item></channel></rss>'
    const [item] = (await parsed(xml)).items
    expect(item?.baseUrl).toBe('https://static.example.co.uk/base/')
  })

  it('keeps category text and drops category attributes', async () => {
    const [item] = (await parsed(rssWith('<category domain="x">Brexit</category><category>  NHS </category><category/>')))
      .items
    expect(item?.categories).toEqual(['Brexit', 'NHS'])
  })

  it('reads dc:date when there is no pubDate', async () => {
    const xml = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><title>A</title><dc:date>2025-06-01T10:00:00Z</dc:date></item></channel></rss>`
    const [item] = (await parsed(xml)).items
    expect(item?.published).toBe('2025-06-01T10:00:00Z')
  })

  it('parses an rss element without a version as RSS 2.0', async () => {
    const feed = await parsed('<rss><channel><title>T</title><item><title>A</title></item></channel></rss>')
    expect(feed.items[0]?.title).toBe('A')
  })

  it('parses RSS 0.91', async () => {
    const xml =
      '<rss version="0.91"><channel><title>T</title><link>https://example.co.uk/</link><item><title>A</title><link>https://example.co.uk/a</link><description>d</description></item></channel></rss>'
    const [item] = (await parsed(xml)).items
    expect(item).toMatchObject({ title: 'A', link: 'https://example.co.uk/a', summaryHtml: 'd', guid: null })
  })

  it.each([
    ['absent', '', null],
    ['not a number', '<ttl>soon</ttl>', null],
    ['zero', '<ttl>0</ttl>', null],
    ['sixty', '<ttl> 60 </ttl>', 60],
  ])('reads ttl when %s', async (_name, ttl, expected) => {
    expect((await parsed(rssWith('<title>A</title>', ttl))).ttlMinutes).toBe(expected)
  })
})

describe('parseFeed on Atom 1.0', () => {
  const ATOM_URL = 'https://feeds.westmidlandsreporter.co.uk/news.atom'

  it('resolves each entry base from its own xml:base, else the feed xml:base', async () => {
    const feed = await parsed(atom, ATOM_URL)
    expect(feed.items.map((i) => i.baseUrl)).toEqual([
      'https://www.westmidlandsreporter.co.uk/news/',
      'https://www.westmidlandsreporter.co.uk/health/',
      'https://www.westmidlandsreporter.co.uk/news/',
    ])
    expect(feed.items.map((i) => i.link)).toEqual([
      '2025/05/06/birmingham-emergency-budget',
      '2025/05/05/coventry-critical-incident',
      'https://www.westmidlandsreporter.co.uk/politics/2025/05/02/wolverhampton-count-delayed?at_medium=RSS&at_campaign=rss',
    ])
  })

  it('maps id, published, updated, author, summary, content and category terms', async () => {
    const [first, second, third] = (await parsed(atom, ATOM_URL)).items
    expect(first).toMatchObject({
      guid: 'tag:westmidlandsreporter.co.uk,2025:article-40211',
      guidIsPermaLink: false,
      title: 'Birmingham council sets out <em>emergency</em> budget after bin strike',
      author: 'Aisha Rahman',
      categories: ['birmingham', 'local-government'],
      published: '2025-05-06T07:15:00+01:00',
      updated: '2025-05-06T11:40:00+01:00',
      summaryHtml: '<p>Cabinet members will vote on Thursday on &pound;45m of savings.</p>',
    })
    expect(first?.contentHtml).toContain('<a href="../documents/budget-2025.pdf">')
    expect(second?.guidIsPermaLink).toBe(true)
    expect(second?.contentHtml).toContain('<strong>all beds were full</strong>')
    expect(third).toMatchObject({ published: null, updated: '2025-05-02T23:55:00+01:00', author: null })
  })

  it('escapes a summary declared type="text" so that a literal "<" survives as text', async () => {
    const [, second] = (await parsed(atom, ATOM_URL)).items
    expect(second?.summaryHtml).toBe(
      'Patients told to attend A&amp;E only if it is an emergency, as waits exceed 12 hours &lt; 48 hours ago',
    )
  })

  it('keeps the feed when an entry has an unparseable date (rss-parser alone rejects the whole feed)', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x:1</id><title>A</title><published>last Tuesday</published><updated></updated></entry></feed>`
    const [item] = (await parsed(xml)).items
    expect(item).toMatchObject({ guid: 'urn:x:1', published: 'last Tuesday', updated: null })
  })

  it('keeps the feed when a link has text instead of an href attribute', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><link>https://example.co.uk/</link><entry><title>A</title><link>https://example.co.uk/a</link><link/></entry></feed>`
    const [item] = (await parsed(xml)).items
    expect(item?.link).toBe('https://example.co.uk/a')
  })
})

describe('parseFeed on RSS 1.0 (RDF)', () => {
  it('uses rdf:about as a permalink guid and dc:subject as categories', async () => {
    const feed = await parsed(rss1, 'https://www.eastangliantimes.co.uk/rss')
    expect(feed.title).toBe('East Anglian Times Online')
    expect(feed.items).toHaveLength(2)
    expect(feed.items[0]).toMatchObject({
      guid: 'https://www.eastangliantimes.co.uk/news/2025/06/norwich-ambulance-handover-delays',
      guidIsPermaLink: true,
      title: 'Ambulance handover delays at Norwich hospital reach record high',
      author: 'Sam Whitlock',
      categories: ['NHS', 'Norwich'],
      published: '2025-06-09T06:00:00+01:00',
      summaryHtml: 'Crews waited an average of 94 minutes outside the Norfolk and Norwich University Hospital in May.',
    })
    expect(feed.items[0]?.contentHtml).toContain('discharge lounge')
  })
})

describe('parseFeed failures', () => {
  it.each<[string, string, string]>([
    ['an empty body', emptyBody, 'empty_body'],
    ['a body of whitespace and a BOM', '\uFEFF \n\t ', 'empty_body'],
    ['an HTML page', htmlPage, 'html_page'],
    ['an XHTML page with an XML declaration', '<?xml version="1.0"?>\n<!-- x --><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', 'html_page'],
    ['an HTML page in capitals', '  <HTML><BODY>Moved</BODY></HTML>', 'html_page'],
    ['a truncated feed', truncated, 'malformed_xml'],
    ['plain text', 'Service Unavailable', 'malformed_xml'],
    ['a JSON body', '{"items": []}', 'malformed_xml'],
    ['mismatched tags', '<rss version="2.0"><channel><item></channel></rss>', 'malformed_xml'],
    ['XML that is not a feed', '<?xml version="1.0"?><sitemap><url>https://x/</url></sitemap>', 'not_a_feed'],
    ['an rss element without a channel', '<rss version="2.0"><item><title>A</title></item></rss>', 'not_a_feed'],
    ['an RDF document without a channel', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', 'not_a_feed'],
  ])('reports %s as %s', async (_name, body, code) => {
    const outcome = await parseFeed(body, FEED_URL)
    expect(outcome).toMatchObject({ kind: 'not_a_feed', code })
  })

  it('names the feed and says it is an HTML page', async () => {
    const outcome = await parseFeed(htmlPage, FEED_URL)
    expect(outcome).toEqual({
      kind: 'not_a_feed',
      code: 'html_page',
      message: 'feeds: https://www.northernledger.co.uk/uk-news/rss returned an HTML page, not a feed',
    })
  })

  it('gives the XML error on one line with a 1-based line number', async () => {
    const outcome = await parseFeed('<rss version="2.0">\n<channel>\n</item>', FEED_URL)
    expect(outcome.kind === 'not_a_feed' && outcome.message).toBe(
      'feeds: https://www.northernledger.co.uk/uk-news/rss is not well-formed XML: Unexpected close tag at line 3, column 7',
    )
  })

  it('throws when the feed URL itself is not absolute (a caller bug)', async () => {
    await expect(parseFeed(rss2, '/relative')).rejects.toThrow(TypeError)
  })
})

describe('parseFeed on sloppy and hostile input', () => {
  it('accepts HTML entities and bare ampersands outside CDATA, which strict XML rejects', async () => {
    const [item] = (await parsed(rssWith('<title>M&S profits rise to &pound;1bn&nbsp;&mdash; &amp; more</title><link>https://example.co.uk/a?x=1&y=2</link>')))
      .items
    expect(item?.title).toBe('M&S profits rise to £1bn\u00a0— & more')
    expect(item?.link).toBe('https://example.co.uk/a?x=1&y=2')
  })

  it('leaves CDATA sections untouched by the entity repair', async () => {
    const [item] = (await parsed(rssWith('<link><![CDATA[https://example.co.uk/a?x=1&y=2&amp;]]></link><description><![CDATA[Q&A &pound;]]></description>')))
      .items
    expect(item?.link).toBe('https://example.co.uk/a?x=1&y=2&amp;')
    expect(item?.summaryHtml).toBe('Q&A &pound;')
  })

  it('does not expand DTD entities: a billion-laughs document parses fast and stays small', async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">${lols}]><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`
    const started = Date.now()
    const outcome: ParseOutcome = await parseFeed(xml, FEED_URL)
    expect(Date.now() - started).toBeLessThan(500)
    expect(outcome.kind).toBe('ok')
    if (outcome.kind === 'ok') expect(outcome.feed.items[0]?.title).toBe('&lol9;')
  })

  it('does not expand external entities', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>`
    expect((await parsed(xml)).items[0]?.title).toBe('&xxe;')
  })

  it('returns a value for deeply nested markup instead of throwing', async () => {
    const xml = rssWith(`<title>A</title><description>${'<div>'.repeat(50_000)}${'</div>'.repeat(50_000)}</description>`)
    const outcome = await parseFeed(xml, FEED_URL)
    expect(outcome.kind === 'ok' || outcome.code === 'malformed_xml').toBe(true)
  })

  it('does not let element names reach Object.prototype', async () => {
    await parseFeed(rssWith('<__proto__><polluted>yes</polluted></__proto__><constructor>x</constructor><title>A</title>'), FEED_URL)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('parses a feed again after a failed parse (no state shared between calls)', async () => {
    await parseFeed(truncated, FEED_URL)
    expect((await parsed(rss2)).items).toHaveLength(4)
    await parseFeed('<rss version="2.0"><channel></channel></rss><extra/>', FEED_URL)
    expect((await parseFeed(truncated, FEED_URL)).kind).toBe('not_a_feed')
  })

  it('ignores an xml:base that is not http(s)', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//"><entry xml:base="data:text/html,x"><title>A</title></entry></feed>`
    expect((await parsed(xml)).items[0]?.baseUrl).toBe(FEED_URL)
  })

  it('treats objects where text is expected as absent', async () => {
    const xml = rssWith('<title><b>x</b></title><guid><x/></guid><link><a>b</a></link><pubDate foo="1"/>')
    expect((await parsed(xml)).items[0]).toMatchObject({ title: null, guid: null, link: null, published: null })
  })
})

describe('parseFeed on Atom xhtml content', () => {
  it('keeps text and child elements of xhtml content in document order', async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <em>big</em> day</div></title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The trust said <strong>all beds were full</strong> and asked people to use NHS 111.</p></div></content></entry><entry><title>B</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Second &amp; last</div></content></entry></feed>`
    const [first, second] = (await parsed(xml)).items
    expect(first?.title).toBe('<div xmlns="http://www.w3.org/1999/xhtml">A <em>big</em> day</div>')
    expect(first?.contentHtml).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>The trust said <strong>all beds were full</strong> and asked people to use NHS 111.</p></div>',
    )
    expect(second?.contentHtml).toBe('<div xmlns="http://www.w3.org/1999/xhtml">Second &amp; last</div>')
  })

  it("falls back to rss-parser's rebuild when an entry hides in a comment and the count is off", async () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><!-- <entry></entry> --><entry><title>A</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Text</div></content></entry></feed>`
    const [item] = (await parsed(xml)).items
    expect(item?.contentHtml).toContain('Text')
  })
})
