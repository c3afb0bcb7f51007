// Article pages to text in one HTMLRewriter pass: JSON-LD first, then the article container's paragraphs.
import { decodeHTML } from 'entities'
import { normaliseForCompare } from '../core/normalise-text'
import { htmlToText } from './html-to-text'

export type ExtractionMethod = 'json-ld' | 'selector' | 'article' | 'itemprop' | 'main'

export type PageExtraction =
  | {
      kind: 'ok'
      headline: string | null
      /** Paragraphs separated by exactly one blank line; no paragraph contains a newline. */
      body: string
      author: string | null
      /** ISO 8601 in UTC, or null when absent or unparsable. */
      dateModified: string | null
      description: string | null
      method: ExtractionMethod
    }
  | { kind: 'empty'; reason: string }

export interface ExtractOptions {
  /** Per-feed CSS selector for the body container; replaces `<article>` / `[itemprop=articleBody]` / `<main>`. */
  selector?: string | null
}

/** Longest input read; the rest is dropped first, so an enormous page costs bounded CPU (Workers CPU limit). */
export const MAX_EXTRACT_INPUT_CHARS = 5_000_000

/** Longest body returned; no news article comes near it, and every version is stored in KV (25 MiB value limit). */
export const MAX_EXTRACT_BODY_CHARS = 200_000

/** Text kept from all candidate containers together while parsing, so a page of paragraphs cannot exhaust memory. */
const MAX_COLLECTED_CHARS = 2 * MAX_EXTRACT_BODY_CHARS

/** JSON-LD read per page; real article markup is a few tens of KB even with the full articleBody in it. */
const MAX_JSON_LD_CHARS = 1_000_000

/** Longest headline, author, description kept: metadata, not text. */
const MAX_FIELD_CHARS = 2_000

/** A JSON-LD articleBody shorter than this is a teaser (many sites put the standfirst there), not the article. */
const MIN_JSON_LD_BODY_WORDS = 50

/**
 * Handler calls (elements and text chunks) after which the rest of the page is not read. Each call into JavaScript
 * costs about 5 µs in local workerd, so 50,000 bound a page to roughly a quarter of a second of CPU; a long article
 * makes a few thousand, while 5 MB of bare `<p>x</p>` would make two million (17 s measured before this bound).
 */
export const MAX_EXTRACT_HANDLER_CALLS = 50_000

/** Bytes handed to HTMLRewriter at a time, so the handler budget is checked between slices. */
const FEED_SLICE_BYTES = 16_384

/** Leading characters inspected to tell a binary body from HTML. */
const BINARY_SNIFF_CHARS = 4_096

/** schema.org types whose articleBody is the article (the NewsArticle subtypes, Article, BlogPosting). */
const ARTICLE_TYPES: ReadonlySet<string> = new Set([
  'Article', 'NewsArticle', 'ReportageNewsArticle', 'AnalysisNewsArticle', 'OpinionNewsArticle',
  'BackgroundNewsArticle', 'ReviewNewsArticle', 'BlogPosting', 'LiveBlogPosting',
])

/** Elements whose text is paragraphs of the article when inside a container. */
const BLOCK_TAGS: ReadonlySet<string> = new Set(['p', 'h2', 'h3', 'li', 'blockquote'])

/** Elements never part of the article text, wherever they are. */
const DROPPED_TAGS: ReadonlySet<string> = new Set([
  'nav', 'aside', 'header', 'footer', 'figure', 'figcaption', 'script', 'style', 'noscript', 'template', 'iframe',
  'svg', 'form', 'button', 'select', 'textarea', 'video', 'audio', 'object', 'canvas', 'dialog',
])

/** Elements the JSON-LD, headline and author fallbacks read text from. */
const JSON_LD_SELECTOR = 'script[type="application/ld+json" i]'
const REL_AUTHOR_SELECTOR = '[rel~="author"]'
const ITEMPROP_SELECTOR = '[itemprop~="articleBody"]'

/** Attribute fragments CMSs use for boilerplate blocks inside the article (related links, share bars, promos…). */
const BOILERPLATE_MARKERS = [
  'related', 'share', 'sharing', 'social', 'newsletter', 'promo', 'advert', 'ad-slot', 'ad-container', 'most-read',
  'mostread', 'most-popular', 'read-more', 'readmore', 'comments', 'recommend', 'outbrain', 'taboola', 'byline',
  'breadcrumb', 'caption', 'subscribe',
] as const
const BOILERPLATE_ATTRIBUTES = ['class', 'id', 'aria-label', 'data-component'] as const
const BOILERPLATE_SELECTOR = [
  '[hidden]', '[aria-hidden="true"]', '[role="navigation"]', '[role="complementary"]',
  ...BOILERPLATE_MARKERS.flatMap((m) => BOILERPLATE_ATTRIBUTES.map((a) => `[${a}*="${m}" i]`)),
].join(', ')

// Every JavaScript handler call is expensive (see MAX_EXTRACT_HANDLER_CALLS), so plain tags are classified by name in
// one handler, HTMLRewriter matches what it alone can (attribute patterns, the per-feed selector), and blocks are
// matched only inside containers: menus and footers full of <li> then cost nothing.
const TAGS_SELECTOR = [...DROPPED_TAGS, 'article', 'main', 'h1'].join(', ')
const DEFAULT_CONTAINER_SELECTORS = ['article', 'main', ITEMPROP_SELECTOR] as const

const DEFAULT_CONTAINERS = ['article', 'itemprop', 'main'] as const
type ContainerKind = (typeof DEFAULT_CONTAINERS)[number] | 'selector'
const CONTAINER_KINDS: readonly ContainerKind[] = [...DEFAULT_CONTAINERS, 'selector']

const WHITESPACE = /\s+/g
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g
const HAS_ENTITY = /&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/
const HAS_TAG = /<[a-zA-Z/!]/

/** What the role handlers found on the element whose frame handler runs next. */
interface PendingRoles {
  boilerplate: boolean
  itemprop: boolean
  selector: boolean
  relAuthor: boolean
  jsonLd: boolean
}

/** What an element turned out to be, kept until its end tag. */
interface Frame {
  drop: boolean
  containers: ContainerKind[]
  block: boolean
  h1: boolean
  relAuthor: boolean
  jsonLd: boolean
}

interface Paragraph {
  text: string
  /** Container instance per kind that was open when the paragraph started. */
  owners: Partial<Record<ContainerKind, number>>
}

/**
 * Extracts an article's headline, body and metadata from its page with `HTMLRewriter`. The body comes from the
 * schema.org JSON-LD `articleBody` when it is of reasonable length (at least 50 words and half the page's own text),
 * otherwise from the paragraphs (`p`, `h2`, `h3`, `li`, `blockquote`) of `options.selector` when given, else of the
 * largest `<article>`, else `[itemprop=articleBody]`, else the largest `<main>`. Navigation, asides, figures,
 * scripts, forms and blocks marked as related links, share bars, promos and the like are dropped. Headline: JSON-LD,
 * `og:title`, first `<h1>`. Author: JSON-LD, `meta[name=author]`, first `[rel=author]`.
 *
 * A `Response` is read as UTF-8: decode other charsets first (fetchArticlePage does). Input past 5,000,000
 * characters, or past 50,000 handler calls (MAX_EXTRACT_HANDLER_CALLS), is not read and the body is cut at 200,000
 * characters, so no page can cost much CPU. Binary bodies, pages without article text and a selector that is
 * invalid or matches no text give `empty` with a reason. Never throws for bad markup.
 */
export async function extractArticle(html: string | Response, options: ExtractOptions = {}): Promise<PageExtraction> {
  const text = truncate(typeof html === 'string' ? html : await html.text(), MAX_EXTRACT_INPUT_CHARS)
  if (looksBinary(text)) return { kind: 'empty', reason: 'extract: the page is binary data, not HTML' }

  const selector = options.selector?.trim() || null
  const state = new ExtractionState()
  let rewriter: HTMLRewriter
  try {
    rewriter = state.attach(new HTMLRewriter(), selector)
  } catch (err) {
    return { kind: 'empty', reason: `extract: invalid selector ${JSON.stringify(selector)}: ${errorMessage(err)}` }
  }
  // Fed in slices so that reading stops once the handler budget is spent (a Response from one string is one chunk).
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  const source = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length || state.calls > MAX_EXTRACT_HANDLER_CALLS) {
          controller.close()
          return
        }
        controller.enqueue(bytes.subarray(offset, offset + FEED_SLICE_BYTES))
        offset += FEED_SLICE_BYTES
      },
    },
    { highWaterMark: 0 },
  )
  const response = new Response(source, { headers: { 'content-type': 'text/html; charset=utf-8' } })
  try {
    await rewriter.transform(response).arrayBuffer()
  } catch (err) {
    // lol-html gives up on pathological markup (e.g. elements nested 100,000 deep exceed its memory limit): that page
    // has no article we can read, which is an extraction problem, not a crash.
    return { kind: 'empty', reason: `extract: the page could not be parsed (${errorMessage(err)})` }
  }
  return state.result(selector)
}

/**
 * Decides whether an extraction may become a new version (issue 3: extraction failure is not a revision). An
 * `empty` extraction is a problem; so is a body under half the previous body's words while the headline stayed the
 * same, which is what a stale selector or a redesigned page looks like. A shrink that comes with a new headline is
 * accepted as a real rewrite.
 */
export function judgeExtraction(
  previous: { body: string; headline: string | null } | null,
  next: PageExtraction,
): { ok: true } | { ok: false; problem: string } {
  if (next.kind === 'empty') return { ok: false, problem: next.reason }
  const nextWords = countWords(next.body)
  if (nextWords === 0) return { ok: false, problem: 'extract: the extracted body is empty' }
  if (previous === null) return { ok: true }
  const previousWords = countWords(previous.body)
  if (nextWords * 2 >= previousWords) return { ok: true }
  if (sameHeadline(previous.headline, next.headline)) {
    return {
      ok: false,
      problem: `extract: body shrank from ${previousWords} to ${nextWords} words with the same headline (selector may be stale)`,
    }
  }
  return { ok: true }
}

/** Everything one rewriter pass collects; the handlers only append, `result()` decides. */
class ExtractionState {
  private pending: PendingRoles = emptyRoles()
  private dropDepth = 0
  private blockDepth = 0
  private readonly containerDepth: Record<ContainerKind, number> = { article: 0, itemprop: 0, main: 0, selector: 0 }
  private readonly containerInstance: Record<ContainerKind, number> = { article: 0, itemprop: 0, main: 0, selector: 0 }
  private readonly paragraphs: Paragraph[] = []
  private current: { parts: string[]; owners: Partial<Record<ContainerKind, number>> } | null = null
  private collectedChars = 0

  private h1: string[] | null = null
  private h1Done = false
  private relAuthor: string[] | null = null
  private relAuthorDone = false
  private jsonLd: string[] | null = null
  private jsonLdChars = 0
  private readonly jsonLdScripts: string[] = []
  private readonly meta = new Map<string, string>()

  /** Handler calls so far, checked against MAX_EXTRACT_HANDLER_CALLS between input slices. */
  calls = 0

  /** Registers the handlers; throws when `selector` is not a selector HTMLRewriter accepts. */
  attach(rewriter: HTMLRewriter, selector: string | null): HTMLRewriter {
    const containers = selector === null ? DEFAULT_CONTAINER_SELECTORS : splitSelectorList(selector)
    const blocks = containers.flatMap((c) => [...BLOCK_TAGS].map((tag) => `${c} ${tag}`)).join(', ')
    const union = [TAGS_SELECTOR, BOILERPLATE_SELECTOR, ITEMPROP_SELECTOR, REL_AUTHOR_SELECTOR, JSON_LD_SELECTOR, blocks]
    // Role handlers first: for one element they run in registration order, and workerd keeps only the last
    // onEndTag registered per element, so the single frame handler at the end owns the end tag.
    rewriter
      .on(BOILERPLATE_SELECTOR, { element: () => void (this.pending.boilerplate = true) })
      .on(ITEMPROP_SELECTOR, { element: () => void (this.pending.itemprop = true) })
      .on(REL_AUTHOR_SELECTOR, { element: () => void (this.pending.relAuthor = true) })
      .on(JSON_LD_SELECTOR, { element: () => void (this.pending.jsonLd = true) })
    if (selector !== null) {
      rewriter.on(selector, { element: () => void (this.pending.selector = true) })
      union.push(selector)
    }
    return rewriter
      .on('br', {
        element: () => {
          this.calls += 1
          this.appendText(' ')
        },
      })
      .on('meta', { element: (el) => this.onMeta(el) })
      .on(union.join(', '), { element: (el) => this.onElement(el) })
      .on([blocks, 'h1', REL_AUTHOR_SELECTOR, JSON_LD_SELECTOR].join(', '), { text: (chunk) => this.onText(chunk.text) })
  }

  private onMeta(el: Element): void {
    this.calls += 1
    const key = (el.getAttribute('property') ?? el.getAttribute('name') ?? el.getAttribute('itemprop'))?.toLowerCase()
    const content = el.getAttribute('content')
    if (key === undefined || content === null || this.meta.has(key)) return
    this.meta.set(key, content.slice(0, MAX_FIELD_CHARS))
  }

  private onElement(el: Element): void {
    this.calls += 1
    const roles = this.pending
    this.pending = emptyRoles()
    const tag = el.tagName
    const containers: ContainerKind[] = []
    if (tag === 'article') containers.push('article')
    if (tag === 'main') containers.push('main')
    if (roles.itemprop) containers.push('itemprop')
    if (roles.selector) containers.push('selector')
    const frame: Frame = {
      // Containers are never dropped as boilerplate: `<article class="has-share-bar">` is still the article.
      drop: DROPPED_TAGS.has(tag) || (roles.boilerplate && containers.length === 0),
      containers,
      block: BLOCK_TAGS.has(tag),
      h1: tag === 'h1' && !this.h1Done && this.h1 === null,
      relAuthor: roles.relAuthor && !this.relAuthorDone && this.relAuthor === null,
      jsonLd: roles.jsonLd,
    }
    try {
      el.onEndTag(() => this.leave(frame))
    } catch {
      return // A void element (no end tag): it has no content to include or drop.
    }
    if (frame.drop) this.dropDepth += 1
    for (const kind of containers) {
      if (this.containerDepth[kind] === 0) this.containerInstance[kind] += 1
      this.containerDepth[kind] += 1
    }
    if (frame.block) {
      this.blockDepth += 1
      this.startParagraph()
    }
    if (frame.h1) this.h1 = []
    if (frame.relAuthor) this.relAuthor = []
    if (frame.jsonLd) this.jsonLd = []
  }

  private leave(frame: Frame): void {
    this.calls += 1
    if (frame.drop) this.dropDepth -= 1
    for (const kind of frame.containers) this.containerDepth[kind] -= 1
    if (frame.block) {
      this.blockDepth -= 1
      this.endParagraph()
      // Text after a nested block (`<li>intro <p>…</p> more</li>`) is a paragraph of its own.
      if (this.blockDepth > 0) this.startParagraph()
    }
    if (frame.h1) this.h1Done = true
    if (frame.relAuthor) this.relAuthorDone = true
    if (frame.jsonLd && this.jsonLd !== null) {
      this.jsonLdScripts.push(this.jsonLd.join(''))
      this.jsonLd = null
    }
  }

  private onText(text: string): void {
    this.calls += 1
    if (text === '') return
    if (this.jsonLd !== null) {
      if (this.jsonLdChars + text.length <= MAX_JSON_LD_CHARS) this.jsonLd.push(text)
      this.jsonLdChars += text.length
      return
    }
    if (this.h1 !== null && !this.h1Done) this.h1.push(text)
    if (this.relAuthor !== null && !this.relAuthorDone) this.relAuthor.push(text)
    if (this.dropDepth === 0) this.appendText(text)
  }

  private appendText(text: string): void {
    if (this.current === null || this.dropDepth > 0 || this.collectedChars >= MAX_COLLECTED_CHARS) return
    this.current.parts.push(text)
    this.collectedChars += text.length
  }

  private startParagraph(): void {
    this.endParagraph()
    const owners: Partial<Record<ContainerKind, number>> = {}
    let owned = false
    for (const kind of CONTAINER_KINDS) {
      if (this.containerDepth[kind] > 0) {
        owners[kind] = this.containerInstance[kind]
        owned = true
      }
    }
    // Paragraphs outside every container are never used: do not collect them.
    this.current = owned ? { parts: [], owners } : null
  }

  private endParagraph(): void {
    if (this.current === null) return
    const text = cleanText(this.current.parts.join(''))
    if (text !== '') this.paragraphs.push({ text, owners: this.current.owners })
    this.current = null
  }

  result(selector: string | null): PageExtraction {
    this.endParagraph()
    const ld = articleFromJsonLd(this.jsonLdScripts)
    const ldBody = ld?.body ?? ''

    let dom: { body: string; method: ExtractionMethod } | null = null
    if (selector !== null) {
      const body = this.bodyOf('selector', 'all')
      if (body !== '') dom = { body, method: 'selector' }
    } else {
      for (const kind of DEFAULT_CONTAINERS) {
        const body = this.bodyOf(kind, kind === 'itemprop' ? 'all' : 'largest')
        if (body !== '') {
          dom = { body, method: kind }
          break
        }
      }
    }

    const ldWords = countWords(ldBody)
    const domWords = dom === null ? 0 : countWords(dom.body)
    let chosen: { body: string; method: ExtractionMethod } | null
    if (ldWords >= MIN_JSON_LD_BODY_WORDS && ldWords * 2 >= domWords) chosen = { body: ldBody, method: 'json-ld' }
    else if (dom !== null) chosen = dom
    else if (ldWords > 0) chosen = { body: ldBody, method: 'json-ld' }
    else chosen = null

    if (chosen === null) {
      const reason =
        selector === null
          ? 'extract: no article text found (no JSON-LD articleBody, <article>, [itemprop=articleBody] or <main> paragraphs)'
          : `extract: selector ${JSON.stringify(selector)} matched no text and the page has no JSON-LD articleBody`
      return { kind: 'empty', reason }
    }

    const h1 = this.h1 === null ? null : field(this.h1.join(''))
    const relAuthor = this.relAuthor === null ? null : field(this.relAuthor.join(''))
    const metaField = (...keys: string[]): string | null => {
      for (const key of keys) {
        const value = this.meta.get(key)
        if (value !== undefined) {
          const cleaned = field(value)
          if (cleaned !== null) return cleaned
        }
      }
      return null
    }
    return {
      kind: 'ok',
      headline: ld?.headline ?? metaField('og:title', 'twitter:title') ?? h1,
      body: capBody(chosen.body),
      author: ld?.author ?? metaField('author', 'article:author') ?? relAuthor,
      dateModified: ld?.dateModified ?? toIsoUtc(metaField('article:modified_time', 'og:updated_time', 'datemodified')),
      description: ld?.description ?? metaField('og:description', 'description', 'twitter:description'),
      method: chosen.method,
    }
  }

  /** The body from one kind of container: every instance in document order, or only the instance with the most text. */
  private bodyOf(kind: ContainerKind, pick: 'all' | 'largest'): string {
    const owned = this.paragraphs.filter((p) => p.owners[kind] !== undefined)
    if (pick === 'all' || owned.length === 0) return owned.map((p) => p.text).join('\n\n')
    const sizes = new Map<number, number>()
    for (const p of owned) {
      const id = p.owners[kind] ?? 0
      sizes.set(id, (sizes.get(id) ?? 0) + p.text.length)
    }
    let best = 0
    let bestSize = -1
    for (const [id, size] of sizes) {
      if (size > bestSize) {
        best = id
        bestSize = size
      }
    }
    return owned.filter((p) => p.owners[kind] === best).map((p) => p.text).join('\n\n')
  }
}

/** Splits a selector list at its top-level commas (not those inside quotes, brackets or parentheses). */
function splitSelectorList(selector: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]
    if (quote !== null) {
      if (c === '\\') i += 1
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === '(' || c === '[') depth += 1
    else if (c === ')' || c === ']') depth -= 1
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i))
      start = i + 1
    }
  }
  parts.push(selector.slice(start))
  return parts.map((p) => p.trim()).filter((p) => p !== '')
}

function emptyRoles(): PendingRoles {
  return { boilerplate: false, itemprop: false, selector: false, relAuthor: false, jsonLd: false }
}

interface JsonLdArticle {
  headline: string | null
  body: string | null
  author: string | null
  dateModified: string | null
  description: string | null
}

/** The first article-typed node across the page's JSON-LD scripts, preferring one that carries an articleBody. */
function articleFromJsonLd(scripts: readonly string[]): JsonLdArticle | null {
  const candidates: Record<string, unknown>[] = []
  for (const script of scripts) {
    let data: unknown
    try {
      data = JSON.parse(script.trim())
    } catch {
      continue // Broken JSON-LD is common (trailing commas, raw newlines); the page's markup still has the text.
    }
    collectArticleNodes(data, candidates, 0)
  }
  const node = candidates.find((c) => typeof c.articleBody === 'string' && c.articleBody.trim() !== '') ?? candidates[0]
  if (node === undefined) return null
  const body = typeof node.articleBody === 'string' ? jsonLdBodyText(node.articleBody) : null
  return {
    headline: stringField(node.headline) ?? stringField(node.name),
    body: body === '' ? null : body,
    author: authorField(node.author),
    dateModified: toIsoUtc(stringField(node.dateModified)),
    description: stringField(node.description),
  }
}

/** Nesting followed into @graph, arrays and mainEntity; real markup needs three or four levels. */
const MAX_JSON_LD_DEPTH = 8

function collectArticleNodes(value: unknown, out: Record<string, unknown>[], depth: number): void {
  if (depth > MAX_JSON_LD_DEPTH || value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const item of value) collectArticleNodes(item, out, depth + 1)
    return
  }
  const node = value as Record<string, unknown>
  if (hasArticleType(node['@type'])) out.push(node)
  collectArticleNodes(node['@graph'], out, depth + 1)
  collectArticleNodes(node.mainEntity, out, depth + 1)
  collectArticleNodes(node.mainEntityOfPage, out, depth + 1)
}

function hasArticleType(type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type]
  // Types may be written as IRIs or prefixed names: "https://schema.org/NewsArticle", "schema:NewsArticle".
  return types.some((t) => typeof t === 'string' && ARTICLE_TYPES.has(t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf(':')) + 1)))
}

/** articleBody is plain text with newlines between paragraphs on most sites, HTML on some. */
function jsonLdBodyText(raw: string): string {
  if (HAS_TAG.test(raw)) return htmlToText(raw)
  return raw
    .split(/\r?\n|\u2028|\u2029/)
    .map(cleanText)
    .filter((p) => p !== '')
    .join('\n\n')
}

function authorField(value: unknown): string | null {
  const names: string[] = []
  const add = (item: unknown): void => {
    if (typeof item === 'string') {
      const name = field(item)
      if (name !== null) names.push(name)
    } else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const name = stringField((item as Record<string, unknown>).name)
      if (name !== null) names.push(name)
    }
  }
  if (Array.isArray(value)) value.slice(0, 20).forEach(add)
  else add(value)
  const unique = [...new Set(names)]
  return unique.length === 0 ? null : unique.join(', ')
}

function stringField(value: unknown): string | null {
  return typeof value === 'string' ? field(value) : null
}

function field(raw: string): string | null {
  const text = cleanText(raw).slice(0, MAX_FIELD_CHARS)
  return text === '' ? null : text
}

/** Entities decoded (HTMLRewriter hands text over raw), controls removed, whitespace runs collapsed. */
function cleanText(raw: string): string {
  const decoded = HAS_ENTITY.test(raw) ? decodeHTML(raw) : raw
  return decoded.replace(CONTROL, '').replace(WHITESPACE, ' ').trim()
}

function toIsoUtc(value: string | null): string | null {
  if (value === null) return null
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : new Date(at).toISOString()
}

function capBody(body: string): string {
  if (body.length <= MAX_EXTRACT_BODY_CHARS) return body
  const cut = body.lastIndexOf('\n\n', MAX_EXTRACT_BODY_CHARS)
  return cut > 0 ? body.slice(0, cut) : truncate(body, MAX_EXTRACT_BODY_CHARS).trimEnd()
}

function countWords(text: string): number {
  const trimmed = text.trim()
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length
}

function sameHeadline(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b
  return normaliseForCompare(a) === normaliseForCompare(b)
}

/** NUL bytes, or many controls / replacement characters near the start: not a text document. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, BINARY_SNIFF_CHARS)
  if (head.includes('\u0000')) return true
  const suspicious = head.match(/[\u0001-\u0008\u000E-\u001F\uFFFD]/g)?.length ?? 0
  return head.length > 0 && suspicious / head.length > 0.05
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  // Do not leave half a surrogate pair at the end.
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
