// Hostile and mutated feeds for the hardening tests: regions of a feed, fast-check mutations confined to one, big bodies as streams.
import fc from 'fast-check'

export const FEED_URL = 'https://news.example.com/rss.xml'

/** An RSS 2.0 document around `items` (already serialised). */
export function rss(items: string, channelExtra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile desk</title><link>https://news.example.com/</link><description>d</description>${channelExtra}${items}</channel></rss>`
}

/** A plain, valid item numbered `n`. */
export function plainItem(n: number, title = `Story number ${n}`, body = `Body of story ${n}, with several words in it.`): string {
  return `<item><title>${title}</title><link>https://news.example.com/news/${n}</link><guid>https://news.example.com/news/${n}</guid><description>${body}</description></item>`
}

/** Where the items (`<item>` or Atom `<entry>`) of a feed are, and the header before the first one. */
export interface FeedRegions {
  header: [number, number]
  items: [number, number][]
}

export function feedRegions(xml: string): FeedRegions {
  const items: [number, number][] = []
  const open = /<(item|entry)(?=[\s>])/g
  let m: RegExpExecArray | null
  while ((m = open.exec(xml)) !== null) {
    const close = `</${m[1]}>`
    const end = xml.indexOf(close, m.index)
    if (end === -1) break
    items.push([m.index, end + close.length])
    open.lastIndex = end + close.length
  }
  return { header: [0, items[0]?.[0] ?? xml.length], items }
}

/** Junk that breaks or bends XML: control characters, NUL, stray markup, garbage and out-of-range entities. */
export const JUNK = [
  '\u0000', '\u0001', '\u0008', '\u000B', '\u001F', '\u007F', '\u0085', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u200B', '\uFEFF',
  '&', '&bogus;', '&#0;', '&#x0;', '&#xD800;', '&#99999999;', '&#x110000;', '&lol9;', '&amp', '&#;', '&#x;', '&nbsp;',
  '<', '>', ']]>', '<![CDATA[', '<!--', '-->', '<?pi?>', '<x>', '</x>', '<br>', '"', "'", '</title>', '<title>',
  '<!DOCTYPE x [<!ENTITY e "e">]>', 'é', '😀', '\r', '\r\n', ' ',
]

export type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'remove_span'; at: number; length: number }
  | { kind: 'insert'; at: number; junk: string }
  | { kind: 'duplicate_element'; index: number }
  | { kind: 'remove_element'; index: number }
  | { kind: 'duplicate_region' }
  | { kind: 'remove_region' }

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.oneof(fc.constantFrom(...JUNK), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('remove_span' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), junk: fc.constantFrom(...JUNK) }),
  fc.record({ kind: fc.constant('duplicate_element' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('remove_element' as const), index: fc.nat() }),
  fc.constant({ kind: 'duplicate_region' as const }),
  fc.constant({ kind: 'remove_region' as const }),
)

const CHILD_ELEMENT = /<([A-Za-z][\w:.-]*)(?:\s[^<>]*)?>(?:(?!<\1[\s>])[\s\S])*?<\/\1>|<[A-Za-z][\w:.-]*(?:\s[^<>]*)?\/>/g

/** Applies `m` to `text` (one region of a feed); the result replaces that region. */
export function mutate(text: string, m: Mutation): string {
  const pos = (at: number): number => (text.length === 0 ? 0 : at % (text.length + 1))
  switch (m.kind) {
    case 'flip': {
      const at = pos(m.at) % Math.max(1, text.length)
      return text.slice(0, at) + m.char + text.slice(at + 1)
    }
    case 'truncate':
      return text.slice(0, pos(m.at))
    case 'remove_span': {
      const at = pos(m.at)
      return text.slice(0, at) + text.slice(at + m.length)
    }
    case 'insert': {
      const at = pos(m.at)
      return text.slice(0, at) + m.junk + text.slice(at)
    }
    case 'duplicate_element':
    case 'remove_element': {
      // Children of the region, not the region itself: skip the first match when it spans the whole region.
      const matches = [...text.matchAll(CHILD_ELEMENT)].filter((x) => x[0].length < text.length)
      if (matches.length === 0) return text
      const hit = matches[m.index % matches.length]
      if (hit === undefined || hit.index === undefined) return text
      const end = hit.index + hit[0].length
      return m.kind === 'duplicate_element' ? text.slice(0, end) + hit[0] + text.slice(end) : text.slice(0, hit.index) + text.slice(end)
    }
    case 'duplicate_region':
      return text + text
    case 'remove_region':
      return ''
    default: {
      const unreachable: never = m
      throw new Error(`hostile: unknown mutation ${JSON.stringify(unreachable)}`)
    }
  }
}

/** `xml` with region `[start, end)` replaced by its mutation. */
export function mutateRegion(xml: string, [start, end]: [number, number], m: Mutation): string {
  return xml.slice(0, start) + mutate(xml.slice(start, end), m) + xml.slice(end)
}

/** A mutation of the whole document: several mutations at once, anywhere. */
export function mutateDocument(xml: string, ms: Mutation[]): string {
  return ms.reduce((doc, m) => mutate(doc, m), xml)
}

/**
 * A body of `prefix`, then `chunk` repeated until `totalBytes` bytes of chunks have been sent, then `suffix`, produced
 * lazily so a 50 MB body never sits in memory; `sent()` says how many bytes were pulled (to see that a reader stopped).
 */
export function repeatedBody(prefix: string, chunk: string, totalBytes: number, suffix = ''): { stream: ReadableStream<Uint8Array>; sent: () => number } {
  const encoder = new TextEncoder()
  const head = encoder.encode(prefix)
  const unit = encoder.encode(chunk.repeat(Math.max(1, Math.floor(65_536 / Math.max(1, chunk.length)))))
  const tail = encoder.encode(suffix)
  let pulled = 0
  let bodySent = 0
  let stage: 'head' | 'body' | 'tail' | 'done' = 'head'
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 'head') {
        stage = 'body'
        pulled += head.byteLength
        controller.enqueue(head)
        return
      }
      if (stage === 'body') {
        if (bodySent >= totalBytes) {
          stage = 'tail'
        } else {
          const piece = unit.subarray(0, Math.min(unit.byteLength, totalBytes - bodySent))
          bodySent += piece.byteLength
          pulled += piece.byteLength
          controller.enqueue(piece)
          return
        }
      }
      if (stage === 'tail') {
        stage = 'done'
        pulled += tail.byteLength
        if (tail.byteLength > 0) controller.enqueue(tail)
        return
      }
      controller.close()
    },
  })
  return { stream, sent: () => pulled }
}

/** gzip of `bytes` (CompressionStream, as a server would send with Content-Encoding: gzip). */
export async function gzip(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream.pipeThrough(new CompressionStream('gzip'))).arrayBuffer())
}
