// HTML fragments from feeds to plain text: one paragraph per block, paragraphs separated by a blank line.

import { Parser } from 'htmlparser2'
import { decodeHTML } from 'entities'

/** Longest input converted; the rest is dropped first, to bound CPU time per item (Workers CPU limit). */
export const MAX_HTML_TO_TEXT_INPUT = 2_000_000

// htmlparser2 keeps open elements in an array it unshifts into, so each level of nesting makes every later tag
// slower: 400,000 nested <div>s take a minute. Real article HTML nests a few dozen deep; past this we stop.
const MAX_NESTING_DEPTH = 256

/** Elements whose start or end begins a new paragraph. `br` is one too: see htmlToText. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup',
  'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
])

/** Elements whose contents are never article text (code, styling, embeds, media fallbacks, form controls). */
const DROPPED_ELEMENTS = new Set([
  'applet', 'audio', 'button', 'canvas', 'embed', 'head', 'iframe', 'map', 'math', 'noscript', 'object', 'script',
  'select', 'style', 'svg', 'template', 'textarea', 'title', 'video',
])

/** Table cells sit side by side in a row: keep their texts apart. */
const CELL_ELEMENTS = new Set(['td', 'th'])

const WHITESPACE = /\s+/g
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g
const BLANK_LINE = /\r?\n[^\S\r\n]*\r?\n/
const HAS_TAG = /<[a-zA-Z!/?]/
const ESCAPED_TAG = /&lt;\/?(?:p|div|br|a|span|strong|em|b|i|u|ul|ol|li|h[1-6]|blockquote|figure|img|table)\b/i
const ENTITY_LEFT = /&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/

/**
 * Converts an HTML fragment (or plain text) to plain text. Block elements start a new paragraph; paragraphs are
 * separated by exactly one blank line ("\n\n") and never contain a newline themselves. `<br>` is a paragraph
 * break too, so `a<br>b`, `a<br><br>b` and `<p>a</p><p>b</p>` all give "a\n\nb": feeds switch between these
 * forms without the article changing. Whitespace runs (including NBSP) collapse to one space; entities are
 * decoded; scripts, styles, embeds and the like are dropped; images contribute nothing.
 *
 * Input without any tag is plain text: there a blank line separates paragraphs.
 *
 * Double-escaped input is decoded once more: a fragment with no tags whose text contains escaped tags
 * (`&lt;p&gt;…`) is parsed as the HTML it encodes, and entities left over after decoding (`&amp;#8217;` → `&#8217;`)
 * are decoded a second time. Literal text about HTML would suffer from this; news copy does not contain it.
 */
export function htmlToText(html: string): string {
  let input = truncate(html, MAX_HTML_TO_TEXT_INPUT)
  if (!HAS_TAG.test(input) && ESCAPED_TAG.test(input)) input = decodeHTML(input)

  const paragraphs: string[] = []
  let current = ''
  let depth = 0
  let droppedDepth = 0
  let stopped = false
  const endParagraph = (): void => {
    const decoded = ENTITY_LEFT.test(current) ? decodeHTML(current) : current
    const text = decoded.replace(CONTROL, '').replace(WHITESPACE, ' ').trim()
    if (text !== '') paragraphs.push(text)
    current = ''
  }

  if (!HAS_TAG.test(input)) {
    // Plain text: blank lines are the only paragraph marks it has.
    for (const chunk of input.split(BLANK_LINE)) {
      current = decodeHTML(chunk)
      endParagraph()
    }
    return paragraphs.join('\n\n')
  }

  const parser = new Parser(
    {
      onopentag(qualifiedName) {
        if (stopped) return
        const name = localName(qualifiedName)
        depth += 1
        if (depth > MAX_NESTING_DEPTH) {
          stopped = true
          parser.pause()
          return
        }
        if (DROPPED_ELEMENTS.has(name)) droppedDepth += 1
        else if (droppedDepth > 0) return
        else if (BLOCK_ELEMENTS.has(name)) endParagraph()
        else if (CELL_ELEMENTS.has(name)) current += ' '
      },
      onclosetag(qualifiedName) {
        if (stopped) return
        const name = localName(qualifiedName)
        depth -= 1
        if (DROPPED_ELEMENTS.has(name)) droppedDepth = Math.max(0, droppedDepth - 1)
        else if (droppedDepth === 0 && BLOCK_ELEMENTS.has(name)) endParagraph()
      },
      ontext(text) {
        if (!stopped && droppedDepth === 0) current += text
      },
    },
    { decodeEntities: true },
  )
  parser.write(input)
  // A paused parser hit the nesting limit: keep the text so far rather than closing thousands of elements.
  if (!stopped) parser.end()
  endParagraph()
  return paragraphs.join('\n\n')
}

/** Atom xhtml content may use a prefix (`<xhtml:p>`); the element is the same. */
function localName(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1)
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  // Do not leave half a surrogate pair at the end.
  const code = text.charCodeAt(max - 1)
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max)
}
