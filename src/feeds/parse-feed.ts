// Feed XML (RSS 0.9x, RSS 1.0 / RDF, RSS 2.0, Atom 1.0) to ParsedFeed via rss-parser; never throws on feed content.

import { decodeHTMLStrict, decodeXML, escapeText } from 'entities'
import Parser from 'rss-parser'
import type { BodyEntry, FeedBody, ParsedFeed, ParsedItem } from '../model/feed'
import { sha256HexSync } from '../core/hash'
import { splitFeed, type FeedSplit } from './split-feed'

export type NotAFeedCode = 'empty_body' | 'html_page' | 'malformed_xml' | 'not_a_feed'

/** An expected failure: the body is not a feed we can read. */
export interface NotAFeed {
  kind: 'not_a_feed'
  code: NotAFeedCode
  message: string
}

export type ParseOutcome = { kind: 'ok'; feed: ParsedFeed } | NotAFeed

/** `<ttl>` above a year is a typo, not a polling hint. */
const MAX_TTL_MINUTES = 525_600
/** How far into the body the root element is looked for (past the XML declaration, comments and DOCTYPE). */
const PROLOGUE_SCAN_LIMIT = 64 * 1024

type Fields = Record<string, unknown>

// Raw nodes rss-parser would otherwise flatten or drop, under names of our own ('sw:') so they never collide
// with its output. keepArray keeps the xml2js node, attributes included ('$' is the element's own attributes).
const ITEM_FIELDS = [
  ['$', 'sw:attributes', { keepArray: true }],
  ['guid', 'sw:guid', { keepArray: true }],
  ['title', 'sw:title', { keepArray: true }],
  ['summary', 'sw:summary', { keepArray: true }],
  ['content', 'sw:content', { keepArray: true }],
  ['category', 'sw:category', { keepArray: true }],
  ['dc:subject', 'sw:subject', { keepArray: true }],
  ['media:description', 'sw:mediaDescription', { keepArray: true }],
  ['media:group', 'sw:mediaGroup', { keepArray: true }],
  ['media:content', 'sw:mediaContent', { keepArray: true }],
  ['published', 'sw:published'],
  ['updated', 'sw:updated'],
  ['issued', 'sw:issued'], // Atom 0.3
  ['modified', 'sw:modified'], // Atom 0.3
  ['atom:updated', 'sw:atomUpdated'],
  ['dcterms:modified', 'sw:dctermsModified'],
  ['dc:date', 'sw:dcDate'],
  ['dc:creator', 'sw:dcCreator'],
]

interface RssParserInternals {
  buildAtomFeed(this: Parser<Fields, Fields>, xmlObj: unknown): unknown
}
const rssParserInternals = Parser.prototype as unknown as RssParserInternals

/**
 * rss-parser 3.13 reads `link.$.rel` on every Atom `<link>` and calls `new Date(x).toISOString()` on `published`
 * and `updated`, so a single `<link>text</link>` or a single bad date rejects the whole feed. This subclass
 * repairs the xml2js tree before its Atom reader sees it, and records that the feed was Atom.
 */
class TolerantParser extends Parser<Fields, Fields> {
  isAtom = false

  buildAtomFeed(xmlObj: unknown): unknown {
    this.isAtom = true
    repairAtomTree(xmlObj)
    return rssParserInternals.buildAtomFeed.call(this, xmlObj)
  }
}

/**
 * Parses a feed body (already decoded to a string) fetched from `feedUrl`. Expected failures are values: an empty
 * body, an HTML page, XML that is not well-formed, or XML that is not RSS or Atom. Throws only when `feedUrl`
 * is not an absolute URL (a caller bug).
 *
 * rss-parser does not see xml:base, so it is read here: from the root element (scanned in the raw text) and from
 * each item or entry (its attributes, kept by a custom field). Each item's `baseUrl` is its own xml:base, else
 * the root's, else the feed's `<link>` when absolute, else `feedUrl`; all resolved against `feedUrl`.
 *
 * `guidIsPermaLink`: an RSS 2.0 guid is a permalink unless `isPermaLink="false"`, and only if it is an absolute
 * http(s) URL; an RSS 1.0 item's `rdf:about` stands in for its guid. An Atom id is a permanent identifier that need
 * not be dereferenceable (RFC 4287 §4.2.6), so it counts as a permalink only when it is an http(s) URL.
 *
 * Atom text constructs with an explicit `type="text"` (and media:description without `type="html"`) are
 * escaped so that later HTML-to-text keeps a literal `<`; without a type they are taken as HTML, as most
 * producers that omit it send HTML.
 */
export async function parseFeed(text: string, feedUrl: string): Promise<ParseOutcome> {
  const parsed = await parseDocument(text, feedUrl)
  return parsed.kind === 'ok' ? { kind: 'ok', feed: parsed.feed } : parsed
}

export type BodyOutcome = { kind: 'ok'; body: FeedBody } | NotAFeed

export interface ParseBodyOptions {
  /** Items read from the top; the rest are left out of `entries` (a 100,000-item body must not cost 100,000 of anything). */
  maxItems: number
  /** Fingerprints of item XML (see chunkPrint) whose items need not be parsed: the caller knows them from the last body. */
  leaveOut?: ReadonlySet<string>
}

/**
 * Parses a feed body as {@link parseFeed} does, and reports every item (up to `maxItems`) in document order, each with
 * the fingerprint of its raw XML when the body splits into items with certainty (see splitFeed). Items whose
 * fingerprint is in `leaveOut` are cut from the document before rss-parser sees it: an item's XML parses to the same
 * fields wherever it stands under the same root, so the caller reuses what it made of it last time, provided the
 * returned `context` (the document URL, root xml:base, feed base and format every item's base URL comes from) is
 * unchanged. The outcome, items and errors included, is the full parse's: when the cut document fails to parse, or
 * parses to a different number of items than were left in, the whole body is parsed instead.
 */
export async function parseFeedBody(text: string, feedUrl: string, options: ParseBodyOptions): Promise<BodyOutcome> {
  const split = splitFeed(text)
  let chunks = split === null ? null : split.items.slice(0, options.maxItems).map(({ start, end }) => chunkPrint(text.slice(start, end)))
  const leftOut = new Set<number>()
  if (split !== null && chunks !== null && options.leaveOut !== undefined && options.leaveOut.size > 0) {
    chunks.forEach((print, index) => {
      if (options.leaveOut?.has(print)) leftOut.add(index)
    })
  }
  const document = split === null || leftOut.size === 0 ? text : withoutItems(text, split.items, leftOut)
  const parsed = await parseDocument(document, feedUrl)
  const full = () => parseFeedBody(text, feedUrl, { maxItems: options.maxItems })
  if (parsed.kind !== 'ok') return leftOut.size > 0 ? full() : parsed
  const parsedItems = parsed.feed.items
  if (split !== null && parsedItems.length !== split.items.length - leftOut.size) {
    // The scan and the parser disagree on what the items are: left-out items cannot be trusted, nor fingerprints.
    if (leftOut.size > 0) return full()
    chunks = null
  }
  const entries: BodyEntry[] = []
  const items: ParsedItem[] = []
  const count = Math.min(options.maxItems, chunks === null ? parsedItems.length : split?.items.length ?? 0)
  let next = 0
  for (let index = 0; index < count; index++) {
    const chunk = chunks?.[index] ?? null
    if (leftOut.has(index)) {
      entries.push({ chunk, item: null })
      continue
    }
    const item = parsedItems[next++]
    if (item === undefined) throw new Error(`feeds: item ${index} of ${feedUrl} went missing between scan and parse`)
    entries.push({ chunk, item })
    items.push(item)
  }
  return { kind: 'ok', body: { feed: { ...parsed.feed, items }, entries, context: parsed.context } }
}

/** Fingerprint of one item's raw XML: 64 bits of its SHA-256, a change detector (not a security boundary). */
export function chunkPrint(xml: string): string {
  return sha256HexSync(xml).slice(0, 16)
}

function withoutItems(text: string, items: FeedSplit['items'], leftOut: ReadonlySet<number>): string {
  let out = ''
  let from = 0
  items.forEach(({ start, end }, index) => {
    if (!leftOut.has(index)) return
    out += text.slice(from, start)
    from = end
  })
  return out + text.slice(from)
}

type DocumentOutcome = { kind: 'ok'; feed: ParsedFeed; context: string } | NotAFeed

async function parseDocument(text: string, feedUrl: string): Promise<DocumentOutcome> {
  const documentUrl = new URL(feedUrl).href
  if (text.trim() === '') {
    return notAFeed('empty_body', `feeds: ${feedUrl} returned an empty body`)
  }
  const prologue = scanPrologue(text)
  if (prologue.doctype === 'html' || localName(prologue.rootName) === 'html') {
    return notAFeed('html_page', `feeds: ${feedUrl} returned an HTML page, not a feed`)
  }

  const parser = new TolerantParser({ defaultRSS: 2, customFields: { item: ITEM_FIELDS } })
  let output: Fields
  try {
    output = (await parser.parseString(repairEntities(text))) as Fields
  } catch (error) {
    return parseFailure(error, feedUrl, prologue.rootName)
  }

  const rootBase = resolveHttp(prologue.xmlBase, documentUrl)
  const feedLink = textOf(output.link)
  const feedBase = rootBase ?? absoluteHttp(feedLink) ?? documentUrl
  const rawItems = asArray(output.items).map((raw) => asRecord(raw) ?? {})
  const entrySources = parser.isAtom && rawItems.some(hasXhtml) ? entrySlices(text, rawItems.length) : null
  const items = rawItems.map((item, index) => {
    const xmlBase = asRecord(item['sw:attributes'])?.['xml:base']
    const ownBase = resolveHttp(typeof xmlBase === 'string' ? xmlBase : null, rootBase ?? documentUrl)
    return parser.isAtom
      ? atomItem(item, ownBase ?? feedBase, entrySources?.[index] ?? null)
      : rssItem(item, ownBase ?? feedBase)
  })
  return {
    kind: 'ok',
    feed: { title: textOf(output.title), link: feedLink, ttlMinutes: ttlMinutes(output.ttl), items },
    context: [documentUrl, rootBase ?? '', feedBase, parser.isAtom ? 'atom' : 'rss'].join('\n'),
  }
}

function rssItem(item: Fields, baseUrl: string): ParsedItem {
  const guidNode = first(item['sw:guid'])
  const rdfAbout = textOf(item['rdf:about'])
  const guid = textOf(guidNode) ?? rdfAbout
  const permaLinkAttribute = attribute(guidNode, 'isPermaLink')?.trim().toLowerCase()
  return {
    guid,
    guidIsPermaLink: guid !== null && permaLinkAttribute !== 'false' && isHttpUrl(guid),
    link: textOf(item.link),
    title: textOf(item.title),
    // rss-parser puts <description> under `content` and <content:encoded> under its own name.
    summaryHtml: textOf(item.content) ?? mediaDescription(item),
    contentHtml: textOf(item['content:encoded']),
    author: textOf(item.creator) ?? textOf(item.author),
    categories: categories(item),
    published: textOf(item.pubDate) ?? textOf(item['sw:dcDate']),
    updated: textOf(item['sw:atomUpdated']) ?? textOf(item['sw:dctermsModified']),
    baseUrl,
  }
}

function atomItem(item: Fields, baseUrl: string, source: string | null): ParsedItem {
  const guid = textOf(item.id)
  return {
    guid,
    guidIsPermaLink: guid !== null && isHttpUrl(guid),
    link: textOf(item.link),
    title: textConstruct(item['sw:title'], textOf(item.title), source, 'title'),
    summaryHtml: textConstruct(item['sw:summary'], textOf(item.summary), source, 'summary') ?? mediaDescription(item),
    contentHtml: textConstruct(item['sw:content'], textOf(item.content), source, 'content'),
    author: textOf(item.author) ?? textOf(item['sw:dcCreator']),
    categories: categories(item),
    published: textOf(item['sw:published']) ?? textOf(item['sw:issued']),
    updated: textOf(item['sw:updated']) ?? textOf(item['sw:modified']),
    baseUrl,
  }
}

/**
 * An Atom text construct as HTML: `type="text"` is escaped, `html` is HTML already. For `xhtml`, xml2js keeps
 * an element's text apart from its children, so "said <b>this</b> and" comes back as "said  and" + "this":
 * the markup is taken from the raw entry instead (`source`), and rss-parser's rebuild is only a fallback.
 */
function textConstruct(nodes: unknown, value: string | null, source: string | null, name: string): string | null {
  const type = attribute(first(nodes), 'type')?.trim().toLowerCase()
  if (type === 'xhtml') return (source === null ? null : xhtmlMarkup(source, name)) ?? value
  if (value === null) return null
  return type === 'text' ? escapeText(value) : value
}

function hasXhtml(item: Fields): boolean {
  return ['sw:title', 'sw:summary', 'sw:content'].some((field) => attribute(first(item[field]), 'type') === 'xhtml')
}

/**
 * The raw text of each `<entry>` in document order, or null when the scan does not find exactly `count` of them
 * (an `<entry` inside a comment or CDATA): then no entry gets raw markup rather than the wrong entry.
 */
function entrySlices(xml: string, count: number): string[] | null {
  const slices: string[] = []
  const start = /<entry[\s>]/g
  let match: RegExpExecArray | null
  while ((match = start.exec(xml)) !== null) {
    const end = xml.indexOf('</entry>', match.index)
    if (end === -1) return null
    slices.push(xml.slice(match.index, end))
    start.lastIndex = end
  }
  return slices.length === count ? slices : null
}

/** The markup inside the entry's `<name type="xhtml">` element. */
function xhtmlMarkup(entry: string, name: string): string | null {
  const open = new RegExp(`<${name}(?=[\\s>])(?:[^>"']|"[^"]*"|'[^']*')*>`).exec(entry)
  if (!open) return null
  const from = open.index + open[0].length
  const to = entry.indexOf(`</${name}>`, from)
  return to === -1 ? null : entry.slice(from, to)
}

/** media:description on the item, in a media:group, or on a media:content; plain text unless type="html". */
function mediaDescription(item: Fields): string | null {
  const candidates = [
    ...asArray(item['sw:mediaDescription']),
    ...asArray(item['sw:mediaGroup']).flatMap((group) => asArray(asRecord(group)?.['media:description'])),
    ...asArray(item['sw:mediaContent']).flatMap((content) => asArray(asRecord(content)?.['media:description'])),
  ]
  for (const node of candidates) {
    const value = textOf(node)
    if (value === null) continue
    return attribute(node, 'type')?.trim().toLowerCase() === 'html' ? value : escapeText(value)
  }
  return null
}

/** RSS `<category>` text, Atom `<category term>` (the stable identifier, not the label) and dc:subject. */
function categories(item: Fields): string[] {
  const names: string[] = []
  for (const node of [...asArray(item['sw:category']), ...asArray(item['sw:subject'])]) {
    const name = textOf(node) ?? attribute(node, 'term')?.trim() ?? null
    if (name) names.push(name)
  }
  return names
}

function ttlMinutes(value: unknown): number | null {
  const text = textOf(value)
  if (text === null || !/^\d{1,7}$/.test(text)) return null
  const minutes = Number(text)
  return minutes >= 1 && minutes <= MAX_TTL_MINUTES ? minutes : null
}

function parseFailure(error: unknown, feedUrl: string, rootName: string | null): NotAFeed {
  // rss-parser's own verdict, or its builders tripping over a document without <channel>: XML, but no feed.
  if (error instanceof TypeError || (error instanceof Error && /not recognized as RSS/i.test(error.message))) {
    const root = rootName === null ? '' : ` (root element <${rootName.slice(0, 40)}>)`
    return notAFeed('not_a_feed', `feeds: ${feedUrl} is XML but not an RSS or Atom feed${root}`)
  }
  return notAFeed('malformed_xml', `feeds: ${feedUrl} is not well-formed XML: ${saxMessage(error)}`)
}

/** sax reports "Unexpected close tag\nLine: 4\nColumn: 9\nChar: >" with 0-based lines; make it one readable line. */
function saxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const [headline = 'unknown error'] = message.split('\n')
  const line = /\nLine: (\d+)/.exec(message)?.[1]
  const column = /\nColumn: (\d+)/.exec(message)?.[1]
  const where = line !== undefined && column !== undefined ? ` at line ${Number(line) + 1}, column ${column}` : ''
  return `${headline.replace(/\.$/, '').slice(0, 200)}${where}`
}

function notAFeed(code: NotAFeedCode, message: string): NotAFeed {
  return { kind: 'not_a_feed', code, message }
}

// --- Raw text, before any parser sees it -----------------------------------------------------------------------

interface Prologue {
  /** Lower-cased DOCTYPE name, when there is one. */
  doctype: string | null
  /** Qualified name of the first element, as written. */
  rootName: string | null
  /** xml:base of the first element, entity-decoded. */
  xmlBase: string | null
}

/** Finds the DOCTYPE name and the root element's start tag, skipping the XML declaration, PIs and comments. */
function scanPrologue(xml: string): Prologue {
  const result: Prologue = { doctype: null, rootName: null, xmlBase: null }
  const limit = Math.min(xml.length, PROLOGUE_SCAN_LIMIT)
  let i = 0
  while (i < limit) {
    const lt = xml.indexOf('<', i)
    if (lt === -1 || lt >= limit) break
    if (xml.startsWith('<?', lt)) {
      i = endOf(xml, '?>', lt)
    } else if (xml.startsWith('<!--', lt)) {
      i = endOf(xml, '-->', lt)
    } else if (xml.startsWith('<!', lt)) {
      result.doctype ??= /^<!doctype\s+([^\s>[]+)/i.exec(xml.slice(lt, lt + 200))?.[1]?.toLowerCase() ?? null
      const gt = xml.indexOf('>', lt)
      const bracket = xml.indexOf('[', lt)
      // An internal subset ([ … ]) may itself contain '>'.
      i = bracket !== -1 && (gt === -1 || bracket < gt) ? endOf(xml, ']', bracket) : endOf(xml, '>', lt)
    } else {
      const tag = /^<([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*)/.exec(xml.slice(lt, limit))
      if (tag) {
        result.rootName = tag[1] ?? null
        const base = /\sxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag[2] ?? '')
        const value = base?.[1] ?? base?.[2]
        result.xmlBase = value === undefined ? null : decodeXML(value)
      }
      break
    }
  }
  return result
}

function endOf(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from)
  return at === -1 ? text.length : at + marker.length
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos'])
const AMPERSAND = /&(?:(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)?/g

/**
 * Makes the two commonest faults of hand-rolled feeds well-formed, outside CDATA sections and comments: a bare `&`
 * ("M&S") becomes `&amp;`, and an HTML entity (`&pound;`, `&nbsp;`) becomes its numeric reference. sax, in the
 * strict mode xml2js uses, rejects the whole document for either. Unknown names become literal text (`&amp;x;`),
 * which also means DTD-declared entities are never expanded.
 */
function repairEntities(xml: string): string {
  if (!xml.includes('&')) return xml
  let out = ''
  let i = 0
  // Both positions are searched again only once passed, to stay linear in documents with thousands of CDATA sections.
  let cdata = -2
  let comment = -2
  while (i < xml.length) {
    if (cdata !== -1 && cdata < i) cdata = xml.indexOf('<![CDATA[', i)
    if (comment !== -1 && comment < i) comment = xml.indexOf('<!--', i)
    const next = cdata === -1 ? comment : comment === -1 ? cdata : Math.min(cdata, comment)
    if (next === -1) {
      out += repairAmpersands(xml.slice(i))
      break
    }
    out += repairAmpersands(xml.slice(i, next))
    const end = endOf(xml, next === cdata ? ']]>' : '-->', next)
    out += xml.slice(next, end)
    i = end
  }
  return out
}

function repairAmpersands(text: string): string {
  return text.replace(AMPERSAND, (match, reference: string | undefined) => {
    if (reference === undefined) return '&amp;'
    if (reference.startsWith('#') || XML_ENTITIES.has(reference)) return match
    const decoded = decodeHTMLStrict(match)
    if (decoded === match) return `&amp;${reference};`
    let numeric = ''
    for (const char of decoded) numeric += `&#${char.codePointAt(0)};`
    return numeric
  })
}

/** rss-parser's Atom reader needs every `<link>` to have attributes and every date to be valid: see TolerantParser. */
function repairAtomTree(xmlObj: unknown): void {
  const feed = asRecord(asRecord(xmlObj)?.feed)
  if (!feed) return
  repairLinks(feed)
  for (const entry of asArray(feed.entry)) {
    const node = asRecord(entry)
    if (!node) continue
    repairLinks(node)
    // Wrapped in an object, a date is skipped by rss-parser's converter and still unwrapped by our custom fields.
    for (const name of ['published', 'updated']) {
      const values = node[name]
      if (Array.isArray(values)) node[name] = values.map((v: unknown) => (typeof v === 'string' ? { _: v } : v))
    }
  }
}

function repairLinks(node: Fields): void {
  const links = node.link
  if (!Array.isArray(links)) return
  node.link = links.map((link: unknown) =>
    asRecord(asRecord(link)?.$) ? link : { $: { href: typeof link === 'string' ? link.trim() : '' } },
  )
}

// --- xml2js nodes (untrusted shapes) ---------------------------------------------------------------------------

function asRecord(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value
}

/** The trimmed text of a node: a string, or the text of an element that also has attributes; null if empty. */
function textOf(value: unknown): string | null {
  const node = first(value)
  const text = typeof node === 'string' ? node : asRecord(node)?._
  if (typeof text !== 'string') return null
  const trimmed = text.trim()
  return trimmed === '' ? null : trimmed
}

function attribute(node: unknown, name: string): string | null {
  const value = asRecord(asRecord(first(node))?.$)?.[name]
  return typeof value === 'string' ? value : null
}

function localName(qualified: string | null): string | null {
  return qualified === null ? null : (qualified.split(':').pop() ?? qualified).toLowerCase()
}

function isHttpUrl(value: string): boolean {
  return absoluteHttp(value) !== null
}

function absoluteHttp(value: string | null): string | null {
  if (value === null || !/^https?:\/\//i.test(value)) return null
  return resolveHttp(value, value)
}

function resolveHttp(value: string | null, base: string): string | null {
  if (value === null || value.trim() === '') return null
  try {
    const url = new URL(value.trim(), base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}
