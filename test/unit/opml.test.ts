// Tests for OPML import and export: nesting, titles, hostile input and round trips.
import { describe, it, expect } from 'vitest'
import { buildOpml, MAX_OPML_CHARS, parseOpml } from '../../src/feeds/opml'
import type { OpmlFeed } from '../../src/feeds/opml'

const NESTED = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Newsroom subscriptions</title></head>
  <body>
    <outline text="World" title="World">
      <outline type="rss" text="BBC World" title="BBC News - World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml" htmlUrl="https://www.bbc.co.uk/news/world"/>
      <outline text="Europe">
        <outline type="rss" text="Le Monde — International" xmlUrl="https://www.lemonde.fr/international/rss_full.xml"/>
      </outline>
    </outline>
    <outline type="rss" text="" xmlUrl="  https://example.com/no-title.xml  "/>
    <outline type="link" text="Just a website" url="https://example.org/"/>
    <outline type="rss" title="Markets &amp; Money" text="ignored" xmlUrl="https://example.com/markets?a=1&amp;b=2"/>
  </body>
</opml>`

describe('parseOpml', () => {
  it('reads every outline with an xmlUrl at any depth, in document order', () => {
    expect(parseOpml(NESTED)).toEqual({
      ok: true,
      feeds: [
        { url: 'https://feeds.bbci.co.uk/news/world/rss.xml', title: 'BBC News - World' },
        { url: 'https://www.lemonde.fr/international/rss_full.xml', title: 'Le Monde — International' },
        { url: 'https://example.com/no-title.xml', title: null },
        { url: 'https://example.com/markets?a=1&b=2', title: 'Markets & Money' },
      ],
    })
  })

  it.each([
    ['title wins over text', '<outline title="T" text="X" xmlUrl="https://a.example/f"/>', 'T'],
    ['text when title is missing', '<outline text="X" xmlUrl="https://a.example/f"/>', 'X'],
    ['text when title is blank', '<outline title="  " text="X" xmlUrl="https://a.example/f"/>', 'X'],
    ['null when both are missing', '<outline xmlUrl="https://a.example/f"/>', null],
    ['null when the text is just the URL', '<outline text="https://a.example/f" xmlUrl="https://a.example/f"/>', null],
    ['trimmed whitespace', '<outline title="  Spaced  " xmlUrl="https://a.example/f"/>', 'Spaced'],
    ['character references decoded', '<outline title="Caf&#233; &#x2014; &lt;b&gt;" xmlUrl="https://a.example/f"/>', 'Café — <b>'],
  ])('takes the title from %s', (_name, outline, title) => {
    expect(parseOpml(`<opml><body>${outline}</body></opml>`)).toEqual({
      ok: true,
      feeds: [{ url: 'https://a.example/f', title }],
    })
  })

  it('accepts other casings of xmlUrl', () => {
    expect(parseOpml('<opml><body><outline xmlurl="https://a.example/1"/><OUTLINE XMLURL="https://a.example/2"/></body></opml>')).toEqual({
      ok: true,
      feeds: [
        { url: 'https://a.example/1', title: null },
        { url: 'https://a.example/2', title: null },
      ],
    })
  })

  it('returns no feeds for an OPML document without subscriptions', () => {
    expect(parseOpml('<opml version="2.0"><head/><body/></opml>')).toEqual({ ok: true, feeds: [] })
  })

  it('keeps the feeds read before a truncated end', () => {
    expect(parseOpml('<opml><body><outline xmlUrl="https://a.example/1"/><outline xmlUrl="https://a.ex')).toEqual({
      ok: true,
      feeds: [{ url: 'https://a.example/1', title: null }],
    })
  })

  it.each([
    ['an empty string', ''],
    ['only whitespace', ' \n\t '],
    ['plain text', 'this is not xml at all'],
    ['JSON', '{"feeds":["https://a.example/f"]}'],
    ['an RSS feed', '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'],
    ['an HTML page', '<!doctype html><html><body><outline xmlUrl="https://a.example/f"/></body></html>'],
    ['binary garbage', '\u0000\u0001\uFFFD\u0002<\u0000>\u00ff'],
  ])('refuses %s with a message', (_name, text) => {
    const result = parseOpml(text)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(/^opml: /)
  })

  it('does not expand entities declared in a DTD (billion laughs, external entities)', () => {
    const hostile = `<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<opml version="2.0"><body><outline title="&lol3;" text="&xxe;" xmlUrl="https://a.example/&xxe;"/></body></opml>`
    const result = parseOpml(hostile)
    expect(result).toEqual({ ok: true, feeds: [{ url: 'https://a.example/&xxe;', title: '&lol3;' }] })
  })

  it('survives very deep nesting', () => {
    const depth = 20_000
    const text = `<opml><body>${'<outline text="x">'.repeat(depth)}<outline xmlUrl="https://a.example/deep"/>${'</outline>'.repeat(depth)}</body></opml>`
    expect(parseOpml(text)).toEqual({ ok: true, feeds: [{ url: 'https://a.example/deep', title: null }] })
  })

  it('reads a large document of many feeds', () => {
    const n = 5_000
    const body = Array.from({ length: n }, (_, i) => `<outline type="rss" text="Feed ${i}" xmlUrl="https://a.example/${i}.xml"/>`)
    const result = parseOpml(`<opml><body>${body.join('\n')}</body></opml>`)
    expect(result.ok && result.feeds.length).toBe(n)
  })

  it('refuses a document over the size limit without parsing it', () => {
    const result = parseOpml(`<opml><body>${' '.repeat(MAX_OPML_CHARS)}</body></opml>`)
    expect(result).toMatchObject({ ok: false })
    if (!result.ok) expect(result.message).toContain('limit')
  })
})

describe('buildOpml', () => {
  const meta = { title: 'Storywatch feeds', createdAt: '2025-03-04T09:15:00.000Z' }

  it('writes an OPML 2.0 document with an RFC 822 dateCreated', () => {
    expect(buildOpml([{ url: 'https://a.example/rss', title: 'A & B' }], meta)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<opml version="2.0">\n' +
        '  <head>\n' +
        '    <title>Storywatch feeds</title>\n' +
        '    <dateCreated>Tue, 04 Mar 2025 09:15:00 GMT</dateCreated>\n' +
        '  </head>\n' +
        '  <body>\n' +
        '    <outline type="rss" text="A &amp; B" title="A &amp; B" xmlUrl="https://a.example/rss"/>\n' +
        '  </body>\n' +
        '</opml>\n',
    )
  })

  it('uses the URL as the required text when a feed has no title', () => {
    expect(buildOpml([{ url: 'https://a.example/rss', title: null }], meta)).toContain(
      '<outline type="rss" text="https://a.example/rss" xmlUrl="https://a.example/rss"/>',
    )
  })

  it('escapes markup in the document title', () => {
    expect(buildOpml([], { ...meta, title: '<Politics> & "more"' })).toContain(
      '<title>&lt;Politics&gt; &amp; &quot;more&quot;</title>',
    )
  })

  it('throws on a createdAt that is not a date', () => {
    expect(() => buildOpml([], { ...meta, createdAt: 'yesterday-ish' })).toThrow(/^opml: createdAt/)
  })

  it.each<[string, OpmlFeed[]]>([
    ['plain feeds', [{ url: 'https://a.example/rss', title: 'A' }, { url: 'https://b.example/atom', title: 'B' }]],
    ['untitled feeds', [{ url: 'https://a.example/rss', title: null }]],
    ['quotes and ampersands', [{ url: 'https://a.example/f?x=1&y="2"', title: `Tom's "Daily" <News> & Views` }]],
    ['non-ASCII text', [{ url: 'https://a.example/f', title: 'Новости — Économie “quoted” 日本 😀' }]],
    ['tabs and line breaks', [{ url: 'https://a.example/f', title: 'Line one\nline two\tand\r\nthree' }]],
    ['entity-looking text', [{ url: 'https://a.example/f', title: '&amp; &lol; &#233;' }]],
    ['no feeds', []],
  ])('round-trips %s through parseOpml', (_name, feeds) => {
    expect(parseOpml(buildOpml(feeds, meta))).toEqual({ ok: true, feeds })
  })

  it('drops characters XML 1.0 cannot carry', () => {
    const xml = buildOpml([{ url: 'https://a.example/f', title: 'bell\u0007 and nul\u0000 and lone \uD800 surrogate' }], meta)
    expect(xml).not.toMatch(/[\u0000\u0007\uD800]/)
    expect(parseOpml(xml)).toEqual({ ok: true, feeds: [{ url: 'https://a.example/f', title: 'bell and nul and lone  surrogate' }] })
  })
})
