// OPML import and export of the feed list (OPML 2.0, http://opml.org/spec2.opml).
import { Parser } from 'htmlparser2'

export interface OpmlFeed {
  url: string
  title: string | null
}

export type OpmlParse = { ok: true; feeds: OpmlFeed[] } | { ok: false; message: string }

/** A newsroom OPML with thousands of feeds is well under 1 MB; anything far bigger is a mistake or an attack. */
export const MAX_OPML_CHARS = 5_000_000

/**
 * Reads the feeds of an OPML document: every `<outline>` with an `xmlUrl`, at any depth, titled by its `title` or
 * else its `text` (a text equal to the URL counts as no title). Never throws on bad input and never expands
 * DTD-declared entities (htmlparser2 decodes only the XML built-ins and character references).
 */
export function parseOpml(text: string): OpmlParse {
  if (text.trim() === '') return { ok: false, message: 'opml: the document is empty' }
  if (text.length > MAX_OPML_CHARS) {
    return { ok: false, message: `opml: the document is ${text.length} characters, over the ${MAX_OPML_CHARS} limit` }
  }

  const feeds: OpmlFeed[] = []
  let root: string | null = null
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const tag = name.toLowerCase()
        if (root === null) root = tag
        if (root !== 'opml' || tag !== 'outline') return
        const url = attribute(attribs, 'xmlUrl')?.trim() ?? ''
        if (url === '') return
        const title = (attribute(attribs, 'title') ?? '').trim() || (attribute(attribs, 'text') ?? '').trim()
        feeds.push({ url, title: title === '' || title === url ? null : title })
      },
    },
    { xmlMode: true, decodeEntities: true },
  )
  try {
    parser.end(text)
  } catch (err) {
    return { ok: false, message: `opml: could not parse the document: ${err instanceof Error ? err.message : String(err)}` }
  }

  if (root === null) return { ok: false, message: 'opml: the document has no elements, so it is not OPML' }
  if (root !== 'opml') return { ok: false, message: `opml: the root element is <${root}>, not <opml>` }
  return { ok: true, feeds }
}

/**
 * Writes the feeds as an OPML 2.0 document. `createdAt` is any date string `Date` understands (ISO 8601 in practice);
 * it is written as the RFC 822 date OPML requires. A feed without a title gets its URL as `text`, which OPML requires.
 */
export function buildOpml(feeds: readonly OpmlFeed[], meta: { title: string; createdAt: string }): string {
  const created = new Date(meta.createdAt)
  if (Number.isNaN(created.getTime())) throw new Error(`opml: createdAt ${JSON.stringify(meta.createdAt)} is not a date`)

  const outlines = feeds.map((feed) => {
    const title = feed.title === null ? '' : ` title="${escapeXml(feed.title)}"`
    return `    <outline type="rss" text="${escapeXml(feed.title ?? feed.url)}"${title} xmlUrl="${escapeXml(feed.url)}"/>\n`
  })
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<opml version="2.0">\n' +
    '  <head>\n' +
    `    <title>${escapeXml(meta.title)}</title>\n` +
    // toUTCString() is the RFC 1123 form of an RFC 822 date, e.g. "Tue, 04 Mar 2025 09:15:00 GMT".
    `    <dateCreated>${created.toUTCString()}</dateCreated>\n` +
    '  </head>\n' +
    '  <body>\n' +
    outlines.join('') +
    '  </body>\n' +
    '</opml>\n'
  )
}

/** Attribute lookup that also accepts other casings (`xmlurl`, `XMLURL`), which some exporters write. */
function attribute(attribs: Record<string, string>, name: string): string | undefined {
  if (attribs[name] !== undefined) return attribs[name]
  const lower = name.toLowerCase()
  for (const [key, value] of Object.entries(attribs)) if (key.toLowerCase() === lower) return value
  return undefined
}

/**
 * Escapes text for an XML attribute or element. Tab and line breaks become character references so attribute-value
 * normalisation (XML 1.0 §3.3.3) keeps them; characters XML 1.0 cannot carry at all are dropped.
 */
function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"'\t\n\r]/g, (ch) => ESCAPES[ch] ?? ch)
}

/** The five XML built-in entities, plus references for the whitespace attribute normalisation would flatten. */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
}
