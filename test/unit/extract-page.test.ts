// Tests for article page extraction (JSON-LD, containers, boilerplate, caps) and the extraction-problem rule.
import { describe, it, expect } from 'vitest'
import {
  extractArticle,
  judgeExtraction,
  MAX_EXTRACT_BODY_CHARS,
  MAX_EXTRACT_INPUT_CHARS,
  type PageExtraction,
} from '../../src/articles/extract-page'
import jsonLdV1 from '../../fixtures/articles/jsonld-news-article/v1.html?raw'
import jsonLdV2 from '../../fixtures/articles/jsonld-news-article/v2.html?raw'
import articleTagV1 from '../../fixtures/articles/article-tag-with-related-links/v1.html?raw'
import articleTagV2 from '../../fixtures/articles/article-tag-with-related-links/v2.html?raw'
import itempropV1 from '../../fixtures/articles/itemprop-article-body/v1.html?raw'
import itempropV2 from '../../fixtures/articles/itemprop-article-body/v2.html?raw'
import mainOnlyV1 from '../../fixtures/articles/main-only/v1.html?raw'
import mainOnlyV2 from '../../fixtures/articles/main-only/v2.html?raw'
import customSelectorV1 from '../../fixtures/articles/custom-selector/v1.html?raw'
import customSelectorV2 from '../../fixtures/articles/custom-selector/v2.html?raw'
import scriptOnly from '../../fixtures/articles/script-only-page/v1.html?raw'
import binaryGarbage from '../../fixtures/articles/binary-garbage/v1.html?raw'
import headlineV1 from '../../fixtures/articles/headline-softened/v1.html?raw'
import headlineV2 from '../../fixtures/articles/headline-softened/v2.html?raw'
import staleV1 from '../../fixtures/articles/stale-selector-shrink/v1.html?raw'
import staleV2 from '../../fixtures/articles/stale-selector-shrink/v2.html?raw'

type Ok = Extract<PageExtraction, { kind: 'ok' }>

async function extractOk(html: string | Response, selector: string | null = null): Promise<Ok> {
  const result = await extractArticle(html, { selector })
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.reason}`)
  return result
}

const paragraphs = (body: string): string[] => body.split('\n\n')

/** Wraps a paragraph list in a page whose only container is `<article>`. */
const articlePage = (...texts: string[]): string =>
  `<html><body><article>${texts.map((t) => `<p>${t}</p>`).join('')}</article></body></html>`

const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ')

describe('extractArticle on fixture pages', () => {
  it.each([
    {
      name: 'jsonld-news-article',
      html: jsonLdV1,
      selector: null,
      method: 'json-ld',
      headline: 'Water bills in England to rise by average of £123 a year, regulator confirms',
      author: 'Harriet Okafor, Tom Ellery',
      dateModified: '2025-03-04T09:15:00.000Z',
      description: 'Ofwat approves increases of up to 44% over five years to pay for sewage and leak repairs.',
      paragraphCount: 8,
      first: 'Household water bills in England and Wales will rise by an average of £123 a year over the next five years after the regulator approved the largest increases since privatisation.',
      absent: ['Photograph', 'Sport', '© 2025'],
    },
    {
      name: 'article-tag-with-related-links',
      html: articleTagV1,
      selector: null,
      method: 'article',
      headline: 'Rail fares frozen for a year in England, transport secretary announces',
      author: 'Priya Raman',
      dateModified: '2025-11-26T14:05:00.000Z',
      description: 'Regulated fares including season tickets will not rise in March for the first time in three decades.',
      paragraphCount: 10,
      first: 'Regulated rail fares in England will be frozen next year, the transport secretary has announced, saving some commuters hundreds of pounds on their season tickets.',
      absent: [
        'Breadcrumb', 'Transport correspondent', 'Share on', 'Copy link', 'Photograph', 'Related stories', 'HS2',
        'Advertisement', 'Sign up', 'Read more', 'Topics:', 'Comments', 'Great news', 'Most read', 'Bridge reopens',
        'The crossing closed', 'cookies', 'INJECTED', 'document.write', 'alert', 'javascript:', 'onerror', '<', '>',
      ],
    },
    {
      name: 'itemprop-article-body',
      html: itempropV1,
      selector: null,
      method: 'itemprop',
      headline: 'Flood warnings issued across Somerset Levels as rain continues',
      author: 'Gareth Pugh',
      dateModified: '2025-01-27T18:40:00.000Z',
      description: "The Environment Agency has issued 14 flood warnings after a month's rain fell in two days.",
      paragraphCount: 8,
      first: 'The Environment Agency has issued 14 flood warnings across the Somerset Levels after a month’s worth of rain fell in two days.',
      absent: ['Share', 'Recommended', 'Wessex Daily Record'],
    },
    {
      name: 'main-only',
      html: mainOnlyV1,
      selector: null,
      method: 'main',
      headline: 'Council approves 4.99% council tax rise',
      author: null,
      dateModified: null,
      description: null,
      paragraphCount: 4,
      first: 'Cambridgeshire County Council has approved a 4.99% rise in its share of council tax, the maximum allowed without a referendum.',
      absent: ['Facebook', "What's on", 'Market Place', 'Lucy Marsh'],
    },
    {
      name: 'custom-selector',
      html: customSelectorV1,
      selector: 'div.story-text',
      method: 'selector',
      headline: 'Hospital waiting list falls for third month in a row',
      author: 'Amira Shah',
      dateModified: null,
      description: null,
      paragraphCount: 4,
      first: 'The waiting list for routine hospital treatment in England has fallen for a third consecutive month, to 7.46 million cases.',
      absent: ['Advertisement', 'Breaking', 'Most popular'],
    },
    {
      name: 'headline-softened',
      html: headlineV1,
      selector: null,
      method: 'article',
      headline: 'Minister misled parliament over asylum hotel costs, watchdog finds',
      author: 'Nadia Brooks',
      dateModified: '2025-06-12T09:02:00.000Z',
      description: 'The UK Statistics Authority said figures given to MPs were wrong by £1.2bn.',
      paragraphCount: 4,
      first: 'The UK Statistics Authority has said figures given to MPs by a Home Office minister about the cost of housing asylum seekers in hotels understated the true figure by £1.2bn.',
      absent: ['Minister misled'],
    },
  ])('extracts $name by $method', async (c) => {
    const result = await extractOk(c.html, c.selector)
    expect(result.method).toBe(c.method)
    expect(result.headline).toBe(c.headline)
    expect(result.author).toBe(c.author)
    expect(result.dateModified).toBe(c.dateModified)
    expect(result.description).toBe(c.description)
    expect(paragraphs(result.body)).toHaveLength(c.paragraphCount)
    expect(paragraphs(result.body)[0]).toBe(c.first)
    for (const text of c.absent) expect(result.body).not.toContain(text)
  })

  it.each([
    ['jsonld-news-article', jsonLdV1, null],
    ['article-tag-with-related-links', articleTagV1, null],
    ['itemprop-article-body', itempropV1, null],
    ['main-only', mainOnlyV1, null],
    ['custom-selector', customSelectorV1, '.story-text'],
  ])('separates the paragraphs of %s by exactly one blank line', async (_name, html, selector) => {
    const { body } = await extractOk(html, selector)
    for (const p of paragraphs(body)) {
      expect(p).not.toBe('')
      expect(p).not.toMatch(/\n|\s{2}/)
      expect(p.trim()).toBe(p)
    }
  })

  it('decodes entities and collapses whitespace in page text', async () => {
    const { body } = await extractOk(articleTagV1)
    expect(body).toContain('“Passengers have been priced off the railway for too long,” she told MPs.')
    expect(body).toContain("the Department for Transport's existing budget.")
    expect(body).toContain('the Rail Delivery Group should go further & cut walk-up fares')
    expect(body).toContain('We will be watching to make sure the money does not come out of maintenance budgets.')
  })

  it('keeps the text of hostile markup and nothing of its scripts, handlers or javascript: links', async () => {
    const { body } = await extractOk(articleTagV1)
    expect(body).toContain('Opposition MPs said the policy was a pre-budget gimmick and questioned how long it would last.')
    expect(body).toContain('among the highest in Europe.')
    expect(body).not.toMatch(/alert|document|javascript|onerror|INJECTED/)
  })
})

describe('extractArticle across versions', () => {
  it('sees a one-sentence edit in the JSON-LD articleBody', async () => {
    const [v1, v2] = [await extractOk(jsonLdV1), await extractOk(jsonLdV2)]
    const changed = paragraphs(v1.body).map((p, i) => [p, paragraphs(v2.body)[i]]).filter(([a, b]) => a !== b)
    expect(changed).toEqual([[
      expect.stringContaining('Consumer groups said many households'),
      expect.stringContaining('Consumer groups said millions of households'),
    ]])
    expect(v2.dateModified).toBe('2025-03-04T11:42:00.000Z')
  })

  it('sees a removed paragraph and nothing else', async () => {
    const [v1, v2] = [await extractOk(articleTagV1), await extractOk(articleTagV2)]
    const removed = paragraphs(v1.body).filter((p) => !paragraphs(v2.body).includes(p))
    expect(removed).toEqual([expect.stringContaining('The Treasury said the freeze would cost about £600m')])
    expect(paragraphs(v2.body)).toHaveLength(paragraphs(v1.body).length - 1)
  })

  it.each([
    ['itemprop-article-body', itempropV1, itempropV2, null, 'the Met Office has issued a yellow warning'],
    ['main-only', mainOnlyV1, mainOnlyV2, null, 'Councillors voted 34 to 21 in favour'],
    ['custom-selector', customSelectorV1, customSelectorV2, '.story-text', 'the second-highest number on record'],
  ])('sees the body edit in %s', async (_name, before, after, selector, edit) => {
    const [v1, v2] = [await extractOk(before, selector), await extractOk(after, selector)]
    expect(v1.body).not.toContain(edit)
    expect(v2.body).toContain(edit)
    expect(judgeExtraction(v1, v2)).toEqual({ ok: true })
  })

  it('sees a softened headline with the body unchanged', async () => {
    const [v1, v2] = [await extractOk(headlineV1), await extractOk(headlineV2)]
    expect(v2.headline).toBe('Asylum hotel cost figures given to MPs were incomplete, watchdog says')
    expect(v2.body).toBe(v1.body)
    expect(judgeExtraction(v1, v2)).toEqual({ ok: true })
  })

  it('reports a stale selector when a redesign shrinks the body to a tenth under the same headline', async () => {
    const [v1, v2] = [await extractOk(staleV1, '.story-body'), await extractOk(staleV2, '.story-body')]
    expect(v2.headline).toBe(v1.headline)
    expect(judgeExtraction(v1, v2)).toEqual({
      ok: false,
      problem: 'extract: body shrank from 212 to 22 words with the same headline (selector may be stale)',
    })
  })
})

describe('extractArticle on pages without article text', () => {
  it.each([
    ['a script-only page', scriptOnly, null, 'extract: no article text found (no JSON-LD articleBody, <article>, [itemprop=articleBody] or <main> paragraphs)'],
    ['binary garbage', binaryGarbage, null, 'extract: the page is binary data, not HTML'],
    ['a body only a selector can find, without the selector', customSelectorV1, null, 'extract: no article text found (no JSON-LD articleBody, <article>, [itemprop=articleBody] or <main> paragraphs)'],
    ['a selector that matches nothing', mainOnlyV1, '.story-text', 'extract: selector ".story-text" matched no text and the page has no JSON-LD articleBody'],
    ['an empty string', '', null, 'extract: no article text found (no JSON-LD articleBody, <article>, [itemprop=articleBody] or <main> paragraphs)'],
    ['an article of empty paragraphs', '<article><p> </p><p>&nbsp;</p></article>', null, 'extract: no article text found (no JSON-LD articleBody, <article>, [itemprop=articleBody] or <main> paragraphs)'],
  ])('returns empty for %s', async (_name, html, selector, reason) => {
    expect(await extractArticle(html, { selector })).toEqual({ kind: 'empty', reason })
  })

  it('returns empty with the parser message for an invalid selector', async () => {
    const result = await extractArticle(mainOnlyV1, { selector: 'div[' })
    expect(result).toEqual({ kind: 'empty', reason: expect.stringMatching(/^extract: invalid selector "div\[": /) })
  })
})

describe('extractArticle rules', () => {
  const body60 = words(60, 'alpha')
  const ld = (node: unknown): string => `<script type="application/ld+json">${JSON.stringify(node)}</script>`

  it.each([
    ['a bare NewsArticle', { '@type': 'NewsArticle', headline: 'H', articleBody: body60 }],
    ['an Article inside @graph', { '@graph': [{ '@type': 'WebPage' }, { '@type': 'Article', headline: 'H', articleBody: body60 }] }],
    ['a BlogPosting in a top-level array', [{ '@type': 'Organization' }, { '@type': 'BlogPosting', headline: 'H', articleBody: body60 }]],
    ['a type written as an IRI', { '@type': 'https://schema.org/ReportageNewsArticle', headline: 'H', articleBody: body60 }],
    ['a NewsArticle as a WebPage mainEntity', { '@type': 'WebPage', mainEntity: { '@type': 'NewsArticle', headline: 'H', articleBody: body60 } }],
  ])('reads the JSON-LD article from %s', async (_name, node) => {
    const result = await extractOk(`<html><head>${ld(node)}</head><body></body></html>`)
    expect(result).toMatchObject({ method: 'json-ld', headline: 'H', body: body60 })
  })

  it('ignores JSON-LD that does not parse and falls back to the article', async () => {
    const html = `<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Broken",}</script>${articlePage('Text.')}`
    expect(await extractOk(html)).toMatchObject({ method: 'article', headline: null, body: 'Text.' })
  })

  it('prefers the page text when the JSON-LD articleBody is only a teaser', async () => {
    const html = ld({ '@type': 'NewsArticle', headline: 'H', articleBody: 'Short teaser.' }) + articlePage(words(80, 'full'))
    expect(await extractOk(html)).toMatchObject({ method: 'article', headline: 'H', body: words(80, 'full') })
  })

  it('prefers the page text when it has more than twice the words of the JSON-LD articleBody', async () => {
    const html = ld({ '@type': 'NewsArticle', articleBody: body60 }) + articlePage(words(150, 'full'))
    expect((await extractOk(html)).method).toBe('article')
  })

  it('uses a short JSON-LD articleBody when the page has no text of its own', async () => {
    const html = ld({ '@type': 'NewsArticle', articleBody: 'Only this.' })
    expect(await extractOk(html)).toMatchObject({ method: 'json-ld', body: 'Only this.' })
  })

  it('turns newlines and HTML in a JSON-LD articleBody into paragraphs', async () => {
    const plain = ld({ '@type': 'NewsArticle', articleBody: `${body60}\nSecond  line.\r\n\r\nThird &amp; last.` })
    expect((await extractOk(plain)).body).toBe(`${body60}\n\nSecond line.\n\nThird & last.`)
    const html = ld({ '@type': 'NewsArticle', articleBody: `<p>${body60}</p><p>Second <b>bold</b> line.</p>` })
    expect((await extractOk(html)).body).toBe(`${body60}\n\nSecond bold line.`)
  })

  it.each([
    ['a string', 'Jo Bloggs', 'Jo Bloggs'],
    ['an object with a name', { '@type': 'Person', name: 'Jo Bloggs' }, 'Jo Bloggs'],
    ['an array of both', ['Ann Lee', { name: 'Jo Bloggs' }, { name: 'Ann Lee' }], 'Ann Lee, Jo Bloggs'],
    ['an object without a name', { '@type': 'Organization' }, null],
  ])('reads a JSON-LD author given as %s', async (_name, author, expected) => {
    const html = ld({ '@type': 'NewsArticle', author, articleBody: body60 })
    expect((await extractOk(html)).author).toBe(expected)
  })

  it.each([
    ['an offset', '2025-03-04T10:15:00+01:00', '2025-03-04T09:15:00.000Z'],
    ['a date only', '2025-03-04', '2025-03-04T00:00:00.000Z'],
    ['garbage', 'yesterday-ish', null],
  ])('normalises a JSON-LD dateModified with %s to UTC', async (_name, dateModified, expected) => {
    const html = ld({ '@type': 'NewsArticle', dateModified, articleBody: body60 })
    expect((await extractOk(html)).dateModified).toBe(expected)
  })

  it.each([
    ['og:title over the first h1', '<meta property="og:title" content="OG &amp; title"><h1>H1</h1>', 'OG & title'],
    ['the first h1 when there is no og:title', '<header><h1>First <em>one</em></h1></header><h1>Second</h1>', 'First one'],
  ])('takes the headline from %s', async (_name, head, expected) => {
    expect((await extractOk(`${head}${articlePage('Text.')}`)).headline).toBe(expected)
  })

  it.each([
    ['meta author over rel=author', '<meta name="author" content="Meta Name"><a rel="author" href="/a">Link Name</a>', 'Meta Name'],
    ['rel=author when there is no meta author', '<span>By <a rel="author" href="/a"> Link  Name </a></span>', 'Link Name'],
  ])('takes the author from %s', async (_name, head, expected) => {
    expect((await extractOk(`${head}${articlePage('Text.')}`)).author).toBe(expected)
  })

  it('takes the article with the most text when a page has several', async () => {
    const html = `<article><p>Teaser.</p></article><article><p>${words(30)}</p></article><article><p>Another teaser.</p></article>`
    expect((await extractOk(html)).body).toBe(words(30))
  })

  it('lets a selector override <article> and join every match in document order', async () => {
    const html = `<article><p>Article text.</p></article><div class="x"><p>One.</p></div><p>Outside.</p><div class="x"><p>Two.</p></div>`
    expect(await extractOk(html, '.x')).toMatchObject({ method: 'selector', body: 'One.\n\nTwo.' })
  })

  it('accepts a selector list, including commas inside attribute values', async () => {
    const html = `<div class="a"><p>One.</p></div><div data-x="1,2"><p>Two.</p></div><div class="c"><p>Not this.</p></div>`
    expect(await extractOk(html, '.a, [data-x="1,2"]')).toMatchObject({ method: 'selector', body: 'One.\n\nTwo.' })
  })

  it('ignores paragraphs outside every container', async () => {
    const html = '<nav><ul><li>Menu</li></ul></nav><p>Loose.</p><main><p>Inside.</p></main><footer><p>Footer.</p></footer>'
    expect((await extractOk(html)).body).toBe('Inside.')
  })

  it('keeps a container whose class looks like boilerplate', async () => {
    const html = '<article class="story has-share-bar related-enabled"><p>Kept.</p></article>'
    expect((await extractOk(html)).body).toBe('Kept.')
  })

  it.each([
    ['a void element with a share class', '<img class="share-icon" src="x.png"><input class="newsletter-email">'],
    ['an unclosed list item with a related class', '<ul><li class="related">Related link<li>Other</ul>'],
    ['an unclosed paragraph', '<p>Unclosed'],
  ])('keeps the text after %s', async (_name, markup) => {
    const { body } = await extractOk(`<article>${markup}<p>After.</p></article>`)
    expect(paragraphs(body).at(-1)).toBe('After.')
    expect(body).not.toContain('Related link')
  })

  it('treats li, blockquote and h2 as paragraphs and text outside them as nothing', async () => {
    const html = '<article>Loose text<h2>Sub</h2><ul><li>One</li><li>Two <p>nested</p> tail</li></ul><blockquote>Quote</blockquote></article>'
    expect((await extractOk(html)).body).toBe('Sub\n\nOne\n\nTwo\n\nnested\n\ntail\n\nQuote')
  })

  it('joins text split across many stream chunks', async () => {
    const html = articlePage('Caf&eacute; owners&rsquo; profits fell &amp; rose', words(500, 'long'))
    const bytes = new TextEncoder().encode(html)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7))
        controller.close()
      },
    })
    const result = await extractOk(new Response(stream))
    expect(result.body).toBe(`Café owners’ profits fell & rose\n\n${words(500, 'long')}`)
  })

  it('caps the body at 200,000 characters on a paragraph boundary', async () => {
    const paragraph = words(200, 'filler')
    const html = articlePage(...Array.from({ length: 400 }, () => paragraph))
    const { body } = await extractOk(html)
    expect(body.length).toBeLessThanOrEqual(MAX_EXTRACT_BODY_CHARS)
    expect(body.length).toBeGreaterThan(MAX_EXTRACT_BODY_CHARS - paragraph.length - 2)
    expect(paragraphs(body).every((p) => p === paragraph)).toBe(true)
  })

  it('stops reading a page of bare markup once the handler budget is spent', async () => {
    const html = `<article><p>Start.</p>${'<p>x</p>'.repeat(700_000)}<p>Beyond the budget.</p></article>`
    const started = performance.now()
    const { body } = await extractOk(html)
    expect(performance.now() - started).toBeLessThan(4_000)
    expect(body.startsWith('Start.')).toBe(true)
    expect(body).not.toContain('Beyond the budget.')
  })

  it('ignores everything past the first 5,000,000 characters', async () => {
    const html = `<article><p>Start.</p><!--${' '.repeat(MAX_EXTRACT_INPUT_CHARS)}--><p>Beyond the cap.</p></article>`
    expect((await extractOk(html)).body).toBe('Start.')
  })
})

describe('judgeExtraction', () => {
  const ok = (body: string, headline: string | null = 'Headline'): PageExtraction => ({
    kind: 'ok', headline, body, author: null, dateModified: null, description: null, method: 'article',
  })
  const previous = { body: words(100), headline: 'Headline' }

  it.each([
    ['a first extraction', null, ok(words(3)), { ok: true }],
    ['a body that grows', previous, ok(words(300)), { ok: true }],
    ['a body that shrinks to exactly half', previous, ok(words(50)), { ok: true }],
    ['a body that shrinks with a new headline', previous, ok(words(10), 'Completely new headline'), { ok: true }],
    ['an empty extraction', previous, { kind: 'empty', reason: 'extract: the page is binary data, not HTML' }, { ok: false, problem: 'extract: the page is binary data, not HTML' }],
    ['an ok extraction with a blank body', null, ok('  '), { ok: false, problem: 'extract: the extracted body is empty' }],
    ['a body under half with the same headline', previous, ok(words(49)), { ok: false, problem: 'extract: body shrank from 100 to 49 words with the same headline (selector may be stale)' }],
    ['a body under half with only typographic headline changes', { body: words(100), headline: 'Minister’s “plan”' }, ok(words(20), "Minister's \"plan\""), { ok: false, problem: 'extract: body shrank from 100 to 20 words with the same headline (selector may be stale)' }],
    ['a body under half where neither version has a headline', { body: words(100), headline: null }, ok(words(20), null), { ok: false, problem: 'extract: body shrank from 100 to 20 words with the same headline (selector may be stale)' }],
  ] as const)('judges %s', (_name, prev, next, expected) => {
    expect(judgeExtraction(prev, next)).toEqual(expected)
  })
})
