// Property test (fast-check): the same items serialised as RSS 2.0 two different ways give the same ids and hashes.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseFeed } from '../../src/feeds/parse-feed'
import { normaliseFeed } from '../../src/articles/normalise-item'

const FEED_URL = 'https://news.example.com/rss.xml'
const CTX = { feedId: 'feed-a', feedUrl: FEED_URL, capturedAt: '2030-01-07T09:00:00.000Z' }

interface Item {
  title: string | null
  link: string | null
  guid: { value: string; isPermaLink: 'true' | 'false' | null } | null
  description: string | null
  content: string | null
  author: string | null
  categories: string[]
  pubDate: string | null
  enclosure: { url: string; length: string; type: string } | null
}

// Characters XML 1.0 allows (§2.2), minus CR: a literal CR is line-end-normalised by the parser and &#13; is not,
// so the two serialisations would not carry the same text.
const TEXT_CHARS = [
  'a', 'b', 'Z', '0', '7', ' ', ' ', '\n', '\t', '.', ',', '<', '>', '&', '"', "'", ']', ']]>', '[', '<p>', '</p>', '<b>',
  '&amp;', '&pound;', '&#8217;', '&lt;', 'é', 'ß', '—', '“', '”', '‘', '’', '…', '£', '€', '日本', '😀', '\u00A0', '\u200B',
  '\u0301', '<![CDATA[', '-->', '<!--', '?>', '\u2028', '\uFFFD',
]
const text = fc.string({ unit: fc.constantFrom(...TEXT_CHARS), maxLength: 30 })
const html = fc
  .array(fc.tuple(fc.constantFrom('p', 'h2', 'li', 'blockquote', 'b', 'em', 'a href="https://x.example/y?a=1&amp;b=2"'), text), { maxLength: 4 })
  .map((parts) => parts.map(([tag, t]) => `<${tag}>${t.replace(/&(?!amp;)/g, '&amp;').replace(/</g, '&lt;')}</${tag.split(' ')[0]}>`).join('\n'))
const slug = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '2', '-', '_'), minLength: 1, maxLength: 12 })
const link = fc.tuple(slug, fc.boolean(), fc.constantFrom('', '#top', '#x')).map(([s, q, frag]) => `https://news.example.com/news/${s}${q ? '?utm_source=rss&id=4' : ''}${frag}`)
const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2031-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toUTCString())

const item: fc.Arbitrary<Item> = fc.record({
  title: fc.option(text),
  link: fc.option(link),
  guid: fc.option(
    fc.record({
      value: fc.oneof(link, slug.map((s) => `tag:news.example.com,2025:${s}`), fc.nat(999).map(String), slug),
      isPermaLink: fc.constantFrom('true' as const, 'false' as const, null),
    }),
  ),
  description: fc.option(fc.oneof(html, text)),
  content: fc.option(html),
  author: fc.option(text),
  categories: fc.array(text, { maxLength: 3 }),
  pubDate: fc.option(date),
  enclosure: fc.option(fc.record({ url: link, length: fc.nat(99999).map(String), type: fc.constantFrom('image/jpeg', 'audio/mpeg') })),
})

/** One element of an item in both serialisations. */
interface Element {
  name: string
  /** Attributes in document order; serialisation B reverses them. */
  attributes: [string, string][]
  text: string | null
}

function elements(it: Item): Element[] {
  const out: Element[] = []
  if (it.title !== null) out.push({ name: 'title', attributes: [], text: it.title })
  if (it.link !== null) out.push({ name: 'link', attributes: [], text: it.link })
  if (it.guid !== null) out.push({ name: 'guid', attributes: it.guid.isPermaLink === null ? [] : [['isPermaLink', it.guid.isPermaLink], ['data-cms', 'x&y']], text: it.guid.value })
  if (it.description !== null) out.push({ name: 'description', attributes: [], text: it.description })
  if (it.content !== null) out.push({ name: 'content:encoded', attributes: [], text: it.content })
  if (it.author !== null) out.push({ name: 'dc:creator', attributes: [], text: it.author })
  for (const c of it.categories) out.push({ name: 'category', attributes: [['domain', 'https://news.example.com/c?a=1&b="2"']], text: c })
  if (it.pubDate !== null) out.push({ name: 'pubDate', attributes: [], text: it.pubDate })
  if (it.enclosure !== null) out.push({ name: 'enclosure', attributes: [['url', it.enclosure.url], ['length', it.enclosure.length], ['type', it.enclosure.type]], text: null })
  return out
}

/** Serialisation A: pretty-printed, text in CDATA (a "]]>" split across two sections), double-quoted attributes. */
function cdata(value: string): string {
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`
}
function attrA(attributes: [string, string][]): string {
  return attributes.map(([k, v]) => ` ${k}="${v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}"`).join('')
}
function serialiseA(items: Item[]): string {
  const body = items
    .map((it) => {
      const inner = elements(it).map((e) => (e.text === null ? `      <${e.name}${attrA(e.attributes)}/>` : `      <${e.name}${attrA(e.attributes)}>${cdata(e.text)}</${e.name}>`))
      return `    <item>\n${inner.join('\n')}\n    </item>`
    })
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>News desk</title>
    <link>https://news.example.com/</link>
    <description>All the news</description>
${body}
  </channel>
</rss>
`
}

/** Serialisation B: text as character references (non-ASCII numeric), single-quoted attributes in reverse order, elements shuffled, other whitespace. */
function escapeB(value: string): string {
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '&') out += '&amp;'
    else if (ch === '<') out += '&lt;'
    else if (ch === '>') out += '&gt;'
    else if (ch === '"') out += '&quot;'
    else if (ch === "'") out += '&apos;'
    else if (code > 0x7e) out += code % 2 === 0 ? `&#${code};` : `&#x${code.toString(16).toUpperCase()};`
    else out += ch
  }
  return out
}
function attrB(attributes: [string, string][]): string {
  return [...attributes].reverse().map(([k, v]) => `\n\t${k} = '${escapeB(v)}'`).join('')
}
function serialiseB(items: Item[], order: number[][]): string {
  const body = items
    .map((it, i) => {
      const els = elements(it)
      const perm = order[i] ?? []
      const shuffled = els.map((e, j) => ({ e, k: perm[j] ?? j })).sort((x, y) => x.k - y.k).map(({ e }) => e)
      const inner = shuffled.map((e) => (e.text === null ? `<${e.name}${attrB(e.attributes)} ></${e.name}>` : `<${e.name}${attrB(e.attributes)}>${escapeB(e.text)}</${e.name}\n>`))
      return `<item\n>${inner.join('\t')}</item>`
    })
    .join('')
  return `<?xml version='1.0'?><rss xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:content='http://purl.org/rss/1.0/modules/content/' version='2.0'><channel><description>All the news</description><link>https://news.example.com/</link><title>News desk</title>${body}</channel></rss>`
}

async function identities(xml: string): Promise<{ ids: [string, string, string][]; skipped: number[] }> {
  const outcome = await parseFeed(xml, FEED_URL)
  if (outcome.kind !== 'ok') throw new Error(`not parsed: ${outcome.code} ${outcome.message}`)
  const result = await normaliseFeed(outcome.feed, CTX)
  return { ids: result.snapshots.map((s) => [s.articleId, s.contentHash, s.rawHash]), skipped: result.skipped.map((s) => s.index) }
}

describe('article identity under re-serialisation (property)', () => {
  it('gives the same ids, contentHash and rawHash for CDATA and entity serialisations with other attribute order, element order and whitespace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 1, maxLength: 6 }).chain((items) =>
          fc.tuple(fc.constant(items), fc.tuple(...items.map((it) => fc.array(fc.nat(1000), { minLength: elements(it).length, maxLength: elements(it).length })))),
        ),
        async ([items, order]) => {
          const a = await identities(serialiseA(items))
          const b = await identities(serialiseB(items, order))
          expect(b).toEqual(a)
        },
      ),
      { numRuns: 150 },
    )
  })
})
