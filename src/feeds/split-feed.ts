// Finds each item's raw text in a feed document without parsing it, so a poll can parse only the items that changed.

/** Where the items of a feed document are. */
export interface FeedSplit {
  /** Element name of the items: `item` (RSS 0.9x, 1.0, 2.0) or `entry` (Atom). */
  itemName: 'item' | 'entry'
  /** Offsets of each item element, start tag to end tag inclusive, in document order. */
  items: { start: number; end: number }[]
}

/** Where rss-parser looks for items under each root element it knows: the element path and the item's name. */
const LAYOUTS: ReadonlyMap<string, { path: readonly string[]; itemName: FeedSplit['itemName'] }> = new Map([
  ['rss', { path: ['rss', 'channel'], itemName: 'item' }],
  ['rdf:RDF', { path: ['rdf:RDF'], itemName: 'item' }],
  ['feed', { path: ['feed'], itemName: 'entry' }],
])

// A start tag from its "<": name, then attributes whose quoted values may hold ">" (and, sax allows it, "<").
const START_TAG = /<([^\s/>!?"'=<]+)(?:[^>"']|"[^"]*"|'[^']*')*>/y
const END_TAG = /<\/([^\s>]+)\s*>/y
// sax reads these keywords in any case.
const CDATA_OPEN = /<!\[CDATA\[/iy
const DOCTYPE_OPEN = /<!DOCTYPE[\s>]/iy
const BANG = 0x21
const QUESTION = 0x3f
const SLASH = 0x2f

/**
 * The items of an RSS or Atom document, found by a scan that reads tags, comments, CDATA sections and processing
 * instructions the way sax does, and nothing else. Items are the `item` elements of `rss/channel` or `rdf:RDF` and the
 * `entry` elements of `feed`, where rss-parser takes them from. Null whenever the scan cannot be sure it sees what a
 * parser would: another root, a DOCTYPE with an internal subset (it could declare entities), an item nested in an
 * item or written `<item/>`, a mismatched end tag, an unterminated comment or section, or any other `<!` construct.
 * A document it accepts may still be malformed: the parser decides that.
 */
export function splitFeed(xml: string): FeedSplit | null {
  const stack: string[] = []
  const items: FeedSplit['items'] = []
  let layout: { path: readonly string[]; itemName: FeedSplit['itemName'] } | null = null
  let pos = 0
  for (;;) {
    const lt = xml.indexOf('<', pos)
    if (lt === -1) break
    const next = xml.charCodeAt(lt + 1)
    if (next === BANG) {
      const end = layout === null ? endOfPrologueDeclaration(xml, lt) : endOfCommentOrCdata(xml, lt)
      if (end === -1) return null
      pos = end
      continue
    }
    if (next === QUESTION) {
      const end = xml.indexOf('?>', lt + 2)
      if (end === -1) return null
      pos = end + 2
      continue
    }
    if (next === SLASH) {
      END_TAG.lastIndex = lt
      const close = END_TAG.exec(xml)
      if (close === null || stack.pop() !== close[1]) return null
      pos = END_TAG.lastIndex
      continue
    }
    START_TAG.lastIndex = lt
    const open = START_TAG.exec(xml)
    const name = open?.[1]
    if (open === null || name === undefined) return null
    const selfClosing = xml.charCodeAt(START_TAG.lastIndex - 2) === SLASH
    if (layout === null) {
      layout = LAYOUTS.get(name) ?? null
      if (layout === null) return null
    } else if (stack.length === 0) {
      return null // a second root: not well-formed, and nothing to split
    }
    if (name === layout.itemName && samePath(stack, layout.path)) {
      if (selfClosing) return null
      const end = endOfItem(xml, START_TAG.lastIndex, name)
      if (end === -1) return null
      items.push({ start: lt, end })
      pos = end
      continue
    }
    if (!selfClosing) stack.push(name)
    pos = START_TAG.lastIndex
  }
  if (layout === null || stack.length > 0) return null
  return { itemName: layout.itemName, items }
}

/** Offset just past the item's end tag, or -1: the first end tag of that name ends it, and a nested start refuses. */
function endOfItem(xml: string, from: number, name: string): number {
  let pos = from
  for (;;) {
    const lt = xml.indexOf('<', pos)
    if (lt === -1) return -1
    const next = xml.charCodeAt(lt + 1)
    if (next === BANG) {
      pos = endOfCommentOrCdata(xml, lt)
      if (pos === -1) return -1
    } else if (next === QUESTION) {
      const end = xml.indexOf('?>', lt + 2)
      if (end === -1) return -1
      pos = end + 2
    } else if (next === SLASH) {
      END_TAG.lastIndex = lt
      const close = END_TAG.exec(xml)
      if (close === null) return -1
      if (close[1] === name) return END_TAG.lastIndex
      pos = END_TAG.lastIndex
    } else {
      START_TAG.lastIndex = lt
      const open = START_TAG.exec(xml)
      if (open === null || open[1] === name) return -1
      pos = START_TAG.lastIndex
    }
  }
}

/** Offset past a comment or CDATA section starting at `lt`, or -1 for anything else or an unterminated one. */
function endOfCommentOrCdata(xml: string, lt: number): number {
  if (xml.startsWith('<!--', lt)) return endAfter(xml, '-->', lt + 4)
  CDATA_OPEN.lastIndex = lt
  if (CDATA_OPEN.test(xml)) return endAfter(xml, ']]>', CDATA_OPEN.lastIndex)
  return -1
}

/** Before the root, a DOCTYPE without an internal subset is allowed too. */
function endOfPrologueDeclaration(xml: string, lt: number): number {
  DOCTYPE_OPEN.lastIndex = lt
  if (!DOCTYPE_OPEN.test(xml)) return endOfCommentOrCdata(xml, lt)
  const gt = xml.indexOf('>', lt)
  const subset = xml.indexOf('[', lt)
  if (gt === -1 || (subset !== -1 && subset < gt)) return -1
  // Quoted public and system identifiers may not hold ">" without confusing this scan: refuse them rather than guess.
  const declaration = xml.slice(lt, gt)
  if ((declaration.split('"').length - 1) % 2 !== 0 || (declaration.split("'").length - 1) % 2 !== 0) return -1
  return gt + 1
}

function endAfter(xml: string, marker: string, from: number): number {
  const at = xml.indexOf(marker, from)
  return at === -1 ? -1 : at + marker.length
}

function samePath(stack: readonly string[], path: readonly string[]): boolean {
  return stack.length === path.length && stack.every((name, i) => name === path[i])
}
