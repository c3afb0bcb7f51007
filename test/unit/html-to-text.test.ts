// htmlToText: paragraphs from block elements, collapsed whitespace, decoded entities, dropped non-text elements.
import { describe, it, expect } from 'vitest'
import { htmlToText, MAX_HTML_TO_TEXT_INPUT } from '../../src/articles/html-to-text'

describe('htmlToText', () => {
  it.each([
    ['separates paragraphs with one blank line', '<p>One.</p><p>Two.</p>', 'One.\n\nTwo.'],
    ['collapses whitespace inside a paragraph', '<p>  The   inquiry\n\t will   sit </p>', 'The inquiry will sit'],
    ['keeps inline elements inside their paragraph', '<p>Vote on <strong>Thursday</strong>, <a href="/x">read more</a>.</p>', 'Vote on Thursday, read more.'],
    ['does not insert spaces at inline boundaries', '<p>NHS<em>England</em></p>', 'NHSEngland'],
    ['treats a single br as a paragraph break', 'Line one<br>Line two', 'Line one\n\nLine two'],
    ['treats consecutive brs as one paragraph break', 'Line one<br/><br />\n<br>Line two', 'Line one\n\nLine two'],
    ['starts a paragraph at each list item', '<ul><li>Leeds</li><li>York</li></ul>', 'Leeds\n\nYork'],
    ['starts a paragraph at headings and blockquotes', '<h2>Why</h2>Text<blockquote>Quote</blockquote>After', 'Why\n\nText\n\nQuote\n\nAfter'],
    ['starts a paragraph at each div, section and article', '<article><section><div>A</div>B</section><div>C</div></article>', 'A\n\nB\n\nC'],
    ['keeps figure captions', '<figure><img src="a.jpg" alt="A ward"><figcaption>A ward in Leeds</figcaption></figure>', 'A ward in Leeds'],
    ['puts table rows in paragraphs and cells apart', '<table><tr><td>Labour</td><td>12</td></tr><tr><th>Reform</th><th>9</th></tr></table>', 'Labour 12\n\nReform 9'],
    ['decodes named and numeric entities', '<p>&pound;12m &amp; rising &#8211; &#x201C;soon&#x201D;</p>', '£12m & rising – “soon”'],
    ['turns NBSP and thin spaces into plain spaces', '<p>10&nbsp;000&#8201;people</p>', '10 000 people'],
    ['drops script, style and noscript contents', '<p>A</p><script>var x = "<p>no</p>"</script><style>p{}</style><noscript>Enable JS</noscript><p>B</p>', 'A\n\nB'],
    ['drops template, iframe, svg, video and button contents', '<template><p>t</p></template><iframe>f</iframe><svg><text>s</text></svg><video>Your browser…</video><button>Share</button>Text', 'Text'],
    ['ignores comments', 'A<!-- <p>B</p> -->C', 'AC'],
    ['returns an empty string for markup without text', '<p> </p><div><img src="x"></div>', ''],
    ['returns an empty string for an empty input', '', ''],
    ['drops control characters', '<p>a\u0000b\u0007c</p>', 'abc'],
  ])('%s', (_name, html, expected) => {
    expect(htmlToText(html)).toBe(expected)
  })

  it.each([
    ['keeps plain text as it is', 'Counts continue in 23 councils.', 'Counts continue in 23 councils.'],
    ['collapses whitespace in plain text', '  Counts   continue\nin 23 councils. ', 'Counts continue in 23 councils.'],
    ['keeps blank lines of plain text as paragraph breaks', 'First.\n\n\nSecond.\r\n  \r\nThird.', 'First.\n\nSecond.\n\nThird.'],
    ['decodes entities in plain text', 'A&amp;E waits &gt; 12 hours', 'A&E waits > 12 hours'],
    ['keeps a lone "<" in plain text', 'Turnout < 30% in Hull', 'Turnout < 30% in Hull'],
  ])('%s', (_name, text, expected) => {
    expect(htmlToText(text)).toBe(expected)
  })

  it.each([
    ['parses double-escaped HTML as the HTML it encodes', '&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two &amp;amp; three&lt;/p&gt;', 'One\n\nTwo & three'],
    ['decodes double-escaped entities a second time', '<p>Thursday&amp;#8217;s count &amp;amp; recount</p>', 'Thursday’s count & recount'],
  ])('%s', (_name, html, expected) => {
    expect(htmlToText(html)).toBe(expected)
  })

  it('gives the same text for <br> paragraphs and <p> paragraphs', () => {
    expect(htmlToText('One<br><br>Two')).toBe(htmlToText('<p>One</p>\n<p>Two</p>'))
  })

  it('never puts a newline inside a paragraph', () => {
    const text = htmlToText('<p>a<br>b</p><pre>c\nd</pre>x&#10;y')
    for (const paragraph of text.split('\n\n')) expect(paragraph).not.toContain('\n')
  })

  it('truncates inputs longer than the cap before parsing', () => {
    const text = htmlToText('a'.repeat(MAX_HTML_TO_TEXT_INPUT) + 'TAIL')
    expect(text).toHaveLength(MAX_HTML_TO_TEXT_INPUT)
  })

  it('stays fast on deeply nested markup (htmlparser2 is quadratic in depth) and keeps the text before it', () => {
    const started = Date.now()
    const text = htmlToText('<p>Kept</p>' + '<div><b>'.repeat(200_000) + 'lost')
    expect(Date.now() - started).toBeLessThan(1000)
    expect(text).toBe('Kept')
  })

  it('stays fast on a cap-sized input of tags just under the nesting limit', () => {
    const started = Date.now()
    htmlToText('<div>'.repeat(250) + '<i>x</i></span>'.repeat(MAX_HTML_TO_TEXT_INPUT / 15))
    expect(Date.now() - started).toBeLessThan(3000)
  })
})

describe('htmlToText on XHTML', () => {
  it('treats namespace-prefixed elements like their local names', () => {
    expect(htmlToText('<xhtml:div><xhtml:p>One</xhtml:p><xhtml:p>Two</xhtml:p></xhtml:div>')).toBe('One\n\nTwo')
  })
})
