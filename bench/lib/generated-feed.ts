// A generated RSS 2.0 news feed of 50 items that moves on each poll: new items on top, a few items edited in place.
import { TOPICS, headline, passage, pick, prng, type Random } from './news-text'

export interface FeedSeriesOptions {
  /** Items in every version of the feed. */
  items: number
  /** Items added on top (and dropped from the bottom) per version. */
  newPerVersion: number
  /** Items still in the feed that are edited per version (a sentence of the body; every other edit, the headline). */
  editedPerVersion: number
  /** Versions after the first. */
  versions: number
}

interface Item {
  n: number
  topic: number
  title: string
  description: string
  paragraphs: string[]
  publishedMs: number
  edits: number
}

const SITE = 'https://news.example.com'
const FIRST_PUBLISHED_MS = Date.UTC(2030, 0, 1, 6, 0, 0)
const MINUTES_BETWEEN_ITEMS = 7

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function makeItem(n: number): Item {
  const next = prng(50_000 + n)
  const topic = Math.floor(next() * TOPICS.length)
  const t = TOPICS[topic] ?? TOPICS[0]!
  const paragraphs = Array.from({ length: 4 + Math.floor(next() * 5) }, () => passage(next, t, 40, 70))
  return {
    n,
    topic,
    title: headline(next, t),
    description: passage(next, t, 40, 80),
    paragraphs,
    publishedMs: FIRST_PUBLISHED_MS + n * MINUTES_BETWEEN_ITEMS * 60_000,
    edits: 0,
  }
}

/** An in-place edit: one body sentence rewritten; every second edit also rewrites the headline. */
function edit(item: Item, next: Random): Item {
  const t = TOPICS[item.topic] ?? TOPICS[0]!
  const at = Math.floor(next() * item.paragraphs.length)
  const paragraphs = item.paragraphs.map((p, i) => (i === at ? `${p} ${passage(next, t, 15, 25)}` : p))
  const edits = item.edits + 1
  return { ...item, paragraphs, edits, title: edits % 2 === 0 ? `${headline(next, t)} (updated)` : item.title }
}

function itemXml(item: Item): string {
  const link = `${SITE}/news/${item.n}-${item.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}`
  const body = item.paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join('\n')
  return [
    '    <item>',
    `      <title>${escapeXml(item.title)}</title>`,
    `      <link>${link}</link>`,
    `      <guid isPermaLink="false">urn:news-example:article:${item.n}</guid>`,
    `      <pubDate>${new Date(item.publishedMs).toUTCString()}</pubDate>`,
    `      <dc:creator>${escapeXml(pick(prng(item.n), ['Jane Smith', 'Amir Khan', 'Sian Evans', 'Tom Price']))}</dc:creator>`,
    `      <category>${escapeXml(TOPICS[item.topic]?.subject ?? 'news')}</category>`,
    `      <description>${escapeXml(item.description)}</description>`,
    `      <content:encoded><![CDATA[${body}]]></content:encoded>`,
    '    </item>',
  ].join('\n')
}

function feedXml(items: readonly Item[], version: number): string {
  const built = new Date(FIRST_PUBLISHED_MS + version * 5 * 60_000).toUTCString()
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '  <channel>',
    '    <title>Example News: UK</title>',
    `    <link>${SITE}/</link>`,
    '    <description>The latest UK news from Example News</description>',
    '    <language>en-gb</language>',
    `    <lastBuildDate>${built}</lastBuildDate>`,
    '    <ttl>5</ttl>',
    ...items.map(itemXml),
    '  </channel>',
    '</rss>',
    '',
  ].join('\n')
}

/**
 * Bodies of successive polls of one feed, as UTF-8 bytes: version 0 holds items 0..items-1 (newest first); each later
 * version adds `newPerVersion` items on top, drops as many from the bottom and edits `editedPerVersion` of the items
 * it carries over (never a new one, so every edit is a revision the pipeline sees). Deterministic.
 */
export function generateFeedSeries(options: FeedSeriesOptions): Uint8Array[] {
  const encoder = new TextEncoder()
  const next = prng(7)
  let items = Array.from({ length: options.items }, (_, i) => makeItem(options.items - 1 - i))
  let newest = options.items - 1
  const bodies = [encoder.encode(feedXml(items, 0))]
  for (let v = 1; v <= options.versions; v++) {
    const added = Array.from({ length: options.newPerVersion }, (_, i) => makeItem(newest + options.newPerVersion - i))
    newest += options.newPerVersion
    const kept = items.slice(0, options.items - options.newPerVersion)
    const chosen = new Set<number>()
    while (chosen.size < Math.min(options.editedPerVersion, kept.length)) chosen.add(Math.floor(next() * kept.length))
    items = [...added, ...kept.map((item, i) => (chosen.has(i) ? edit(item, next) : item))]
    bodies.push(encoder.encode(feedXml(items, v)))
  }
  return bodies
}
