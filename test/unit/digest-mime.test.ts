// Tests for rendering a digest (HTML escaped, plain text) and its MIME message, parsed back part by part.
import { describe, expect, it } from 'vitest'
import { buildDigest } from '../../src/delivery/build-digest'
import { renderDigest } from '../../src/delivery/render-digest'
import { buildDigestMime } from '../../src/delivery/digest-mime'
import { decodeHeader, parseMime, partOf } from '../support/mime'
import { followUp, removal, revision } from '../support/alerts'

const T = Date.UTC(2030, 0, 7, 9, 0, 0)
const at = (minutes: number): string => new Date(T + minutes * 60_000).toISOString()
const LINKS = { baseUrl: 'https://storywatch.test', unsubscribeUrl: 'https://storywatch.test/digests/unsubscribe?token=abc.def' }

const hostile = followUp(at(-30), {
  title: 'Inquiry <script>alert(1)</script> & “quotes”',
  url: 'javascript:alert(1)',
  storyTitle: 'Grooming <b>gangs</b> inquiry',
  alsoReportedBy: [{ articleId: 'x', feedId: 'feed-c', title: 'Agency copy', url: 'https://agency.example/story', firstSeenAt: at(-29) }],
})
const headline = revision(at(-20), {
  classification: 'headline',
  significance: 0.6,
  changes: [{ field: 'title', before: 'Minister "denies" claims', after: 'Minister admits <claims>', ops: null, wordsAdded: 2, wordsRemoved: 2 }],
})
const gone = removal(at(-10), { title: 'Pulled story' })

function digest() {
  const model = buildDigest({ id: 'ds_0123456789abcdef.h2030-01-07T09', period: 'h2030-01-07T09', window: { from: at(-60), to: at(0) }, alerts: [hostile, headline, gone] })
  if (!model) throw new Error('expected a digest')
  return { model, rendered: renderDigest(model, LINKS) }
}

describe('renderDigest', () => {
  it('escapes every value in the HTML and links only http(s) URLs', () => {
    const { html } = digest().rendered
    expect(html).not.toContain('<script>')
    expect(html).toContain('Inquiry &lt;script&gt;alert(1)&lt;/script&gt; &amp; “quotes”')
    expect(html).toContain('Grooming &lt;b&gt;gangs&lt;/b&gt; inquiry')
    expect(html).toContain('Minister admits &lt;claims&gt;')
    expect(html).toContain('Minister &quot;denies&quot; claims')
    expect(html).not.toContain('javascript:')
    expect(html).toContain('href="https://agency.example/story"')
  })

  it('puts the headline change first among revisions, with a diff link, and the unsubscribe link at the end', () => {
    const { html, text } = digest().rendered
    expect(text).toContain('[HEADLINE] ')
    expect(text).toContain('Was: Minister "denies" claims')
    expect(text).toContain(`Changes: https://storywatch.test/articles/${headline.articleId}/diff?from=1&to=2`)
    expect(text).toContain(`Unsubscribe: ${LINKS.unsubscribeUrl}`)
    expect(html).toContain('href="https://storywatch.test/digests/unsubscribe?token=abc.def"')
    expect(text).toContain('Also reported by: agency.example <https://agency.example/story>')
  })
})

describe('buildDigestMime', () => {
  it('builds one multipart/alternative message whose text and HTML parts both carry every alert', () => {
    const { model, rendered } = digest()
    const raw = buildDigestMime({
      from: 'Storywatch <digests@storywatch.test>',
      to: 'desk@newsroom.example',
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: `<${model.id}@storywatch.test>`,
      date: at(0),
      headers: { 'List-Unsubscribe': `<${LINKS.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    })
    const mime = parseMime(raw)
    expect(mime.headers['content-type']).toMatch(/^multipart\/alternative;/)
    expect(decodeHeader(mime.headers.subject ?? '')).toBe(rendered.subject)
    expect(mime.headers['message-id']).toBe(`<${model.id}@storywatch.test>`)
    expect(mime.headers.date).toBe('Mon, 07 Jan 2030 09:00:00 +0000')
    expect(mime.headers['list-unsubscribe']).toBe(`<${LINKS.unsubscribeUrl}>`)
    expect(mime.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    expect(mime.parts).toHaveLength(2)
    const text = partOf(mime, 'text/plain')
    const html = partOf(mime, 'text/html')
    expect(text).toBe(rendered.text)
    expect(html).toBe(rendered.html)
    for (const alert of [hostile, headline, gone]) {
      expect(text).toContain(alert.title)
    }
    expect(html).toContain('Pulled story')
    expect(html).toContain('Minister admits &lt;claims&gt;')
    // RFC 5322 §2.1.1: no line over 998 characters; base64 lines stay at 76 (RFC 2045 §6.8).
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true)
  })
})
