// A small typed Atom 1.0 (RFC 4287) builder: every value escaped, every entry with its own id (pure).

export interface AtomEntry {
  /** Unique and permanent: feed readers key on it, so a new revision must get a new id. */
  id: string
  title: string
  link: string
  updated: string
  summary: string
  author?: string | null
  categories?: string[]
}

export interface AtomFeed {
  id: string
  title: string
  selfLink: string
  alternateLink: string
  updated: string
  entries: AtomEntry[]
}

/** Characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/FFFF). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Serialises a feed; summaries are plain text (`type="text"`), so nothing from a feed is ever markup here. */
export function buildAtom(feed: AtomFeed): string {
  const e = xmlEscape
  const entries = feed.entries.map((entry) =>
    [
      '  <entry>',
      `    <id>${e(entry.id)}</id>`,
      `    <title type="text">${e(entry.title)}</title>`,
      `    <link rel="alternate" href="${e(entry.link)}"/>`,
      `    <updated>${e(entry.updated)}</updated>`,
      entry.author ? `    <author><name>${e(entry.author)}</name></author>` : '',
      ...(entry.categories ?? []).map((c) => `    <category term="${e(c)}"/>`),
      `    <summary type="text">${e(entry.summary)}</summary>`,
      '  </entry>',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  )
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${e(feed.id)}</id>`,
    `  <title type="text">${e(feed.title)}</title>`,
    `  <link rel="self" type="application/atom+xml" href="${e(feed.selfLink)}"/>`,
    `  <link rel="alternate" type="text/html" href="${e(feed.alternateLink)}"/>`,
    `  <updated>${e(feed.updated)}</updated>`,
    '  <author><name>Storywatch</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n')
}
