// The load run's generated feeds (pure): N small deterministic RSS 2.0 feeds and the OPML that registers them.

/** Items in every generated feed: a small regional outlet's front page. */
export const LOAD_FEED_ITEMS = 10

// A fixed clock, so the same feed index always renders the same bytes (and the same ETag) on every run.
const FIRST_PUBLISHED_MS = Date.UTC(2026, 0, 5, 6, 0, 0)
const MINUTES_BETWEEN_ITEMS = 37
// Article links point at a reserved TLD (RFC 2606): the Worker never fetches them (feeds do not set fetchArticles).
const ARTICLE_SITE = 'https://outlet.load.test'

const PLACES = ['Ashford', 'Barnsley', 'Carlisle', 'Dorchester', 'Exeter', 'Falkirk', 'Grimsby', 'Hexham', 'Ipswich', 'Kendal'] as const
const SUBJECTS = [
  'council approves budget for library repairs',
  'bus route consultation opens to residents',
  'flood defence work starts on the river bank',
  'school inspection report published',
  'magistrates hear planning appeal',
  'new cycle lane plans go on display',
  'hospital trust names new chief executive',
  'market square reopens after resurfacing',
  'recycling collection days change next month',
  'football club confirms stadium lease',
] as const

/** The path (no leading slash) of feed `index` (0-based) on the load server. */
export function loadFeedPath(index: number): string {
  return `load/feed-${String(index + 1).padStart(5, '0')}.xml`
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Feed `index` as RSS 2.0: `LOAD_FEED_ITEMS` items with unique links, newest first; the same bytes on every call. */
export function renderLoadFeed(index: number): string {
  const place = PLACES[index % PLACES.length] ?? PLACES[0]
  const slug = `outlet-${index + 1}`
  const items = Array.from({ length: LOAD_FEED_ITEMS }, (_, i) => {
    const n = LOAD_FEED_ITEMS - i
    const subject = SUBJECTS[(index + n) % SUBJECTS.length] ?? SUBJECTS[0]
    const published = new Date(FIRST_PUBLISHED_MS + (index * LOAD_FEED_ITEMS + n) * MINUTES_BETWEEN_ITEMS * 60_000)
    const link = `${ARTICLE_SITE}/${slug}/news/${n}`
    return (
      '    <item>\n' +
      `      <title>${escapeXml(`${place}: ${subject} (${slug} #${n})`)}</title>\n` +
      `      <link>${link}</link>\n` +
      `      <guid isPermaLink="true">${link}</guid>\n` +
      `      <pubDate>${published.toUTCString()}</pubDate>\n` +
      `      <description>${escapeXml(`Local report ${n} from ${place}: the ${subject}. Residents can comment until the end of the month.`)}</description>\n` +
      '    </item>\n'
    )
  })
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rss version="2.0">\n' +
    '  <channel>\n' +
    `    <title>${escapeXml(`${place} Gazette (${slug})`)}</title>\n` +
    `    <link>${ARTICLE_SITE}/${slug}/</link>\n` +
    `    <description>Generated feed ${index + 1} of the Storywatch load run</description>\n` +
    items.join('') +
    '  </channel>\n' +
    '</rss>\n'
  )
}

/** Every feed of a run of `count`, keyed by path, as the fixture server's render callback wants them. */
export function loadFeedFiles(count: number): Map<string, string> {
  return new Map(Array.from({ length: count }, (_, i) => [loadFeedPath(i), renderLoadFeed(i)]))
}

/** An OPML 2.0 document listing the `count` feeds under `baseUrl`, for one POST /api/feeds/import. */
export function loadImportOpml(baseUrl: string, count: number): string {
  const outlines = Array.from({ length: count }, (_, i) => {
    const url = `${baseUrl}/${loadFeedPath(i)}`
    return `    <outline type="rss" text="Load feed ${i + 1}" xmlUrl="${escapeXml(url)}"/>\n`
  })
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<opml version="2.0">\n' +
    `  <head><title>Storywatch load run: ${count} feeds</title></head>\n` +
    '  <body>\n' +
    outlines.join('') +
    '  </body>\n' +
    '</opml>\n'
  )
}
