// splitFeed: finds each item's raw text as sax would, and gives up (null) whenever it cannot be sure.
import { describe, expect, it } from 'vitest'
import { splitFeed } from '../../src/feeds/split-feed'

/** The raw text of each item splitFeed finds, or null. */
function items(xml: string): string[] | null {
  const split = splitFeed(xml)
  return split === null ? null : split.items.map(({ start, end }) => xml.slice(start, end))
}

const rss = (inner: string, channelHead = '<title>T</title>') => `<?xml version="1.0"?>\n<rss version="2.0"><channel>${channelHead}${inner}</channel></rss>\n`

describe('splitFeed', () => {
  it.each([
    ['RSS 2.0 items under rss/channel', rss('<item><title>a</title></item>\n<item id="2"><title>b</title></item>'), ['<item><title>a</title></item>', '<item id="2"><title>b</title></item>']],
    [
      'Atom entries under feed',
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>1</id></entry><entry><id>2</id></entry></feed>',
      ['<entry><id>1</id></entry>', '<entry><id>2</id></entry>'],
    ],
    [
      'RSS 1.0 items under rdf:RDF (beside the channel, not in it)',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel rdf:about="x"><items/></channel><item rdf:about="a"><title>a</title></item></rdf:RDF>',
      ['<item rdf:about="a"><title>a</title></item>'],
    ],
    ['no items at all', rss(''), []],
    ['a CDATA section holding an end tag', rss('<item><description><![CDATA[<p>a</item> b</p>]]></description></item><item>c</item>'), ['<item><description><![CDATA[<p>a</item> b</p>]]></description></item>', '<item>c</item>']],
    ['a CDATA keyword in lower case (sax reads it in any case)', rss('<item><d><![cdata[</item>]]></d></item>'), ['<item><d><![cdata[</item>]]></d></item>']],
    ['a comment holding an end tag', rss('<item><!-- </item> --><title>a</title></item>'), ['<item><!-- </item> --><title>a</title></item>']],
    ['a comment between items holding a start tag', rss('<item>a</item><!-- <item>x</item> --><item>b</item>'), ['<item>a</item>', '<item>b</item>']],
    ['attribute values holding ">" and "</item>"', rss('<item><a t="x > y" u=\'</item>\'>z</a></item>'), ['<item><a t="x > y" u=\'</item>\'>z</a></item>']],
    ['a processing instruction holding an end tag', rss('<item><?pi </item>?>a</item>'), ['<item><?pi </item>?>a</item>']],
    ['items of another parent, which rss-parser ignores', rss('<image><item>not one</item></image><item>one</item>'), ['<item>one</item>']],
    ['an end tag with space before ">"', rss('<item>a</item >'), ['<item>a</item >']],
    ['an element whose name starts with "item"', rss('<item><itemx>a</itemx></item>'), ['<item><itemx>a</itemx></item>']],
    ['a DOCTYPE without an internal subset', `<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">${rss('<item>a</item>')}`, ['<item>a</item>']],
  ])('finds the items of %s', (_name, xml, expected) => {
    expect(items(xml)).toEqual(expected)
  })

  it.each([
    ['an unknown root', '<rss2><channel><item>a</item></channel></rss2>'],
    ['a prefixed Atom root (rss-parser only reads `feed`)', '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:entry/></atom:feed>'],
    ['a DOCTYPE with an internal subset (it may declare entities)', `<!DOCTYPE rss [<!ENTITY x "<item>">]>${rss('<item>&x;</item>')}`],
    ['an item nested in an item', rss('<item><item>a</item></item>')],
    ['a self-closing item', rss('<item/>')],
    ['a mismatched end tag', rss('<item>a</item></image>')],
    ['an unterminated comment', rss('<item>a</item><!-- never closed')],
    ['an unterminated CDATA section', rss('<item><![CDATA[ never closed</item>')],
    ['an unterminated item', '<rss><channel><item>a'],
    ['a second root element', `${rss('<item>a</item>')}<rss></rss>`],
    ['an unclosed root', '<rss><channel><item>a</item>'],
    ['an SGML declaration inside the document', rss('<item><!ELEMENT x ANY>a</item>')],
    ['a "<" that opens no tag', rss('<item>a < b</item>')],
    ['an empty document', ''],
  ])('gives up on %s', (_name, xml) => {
    expect(splitFeed(xml)).toBeNull()
  })

  it('names the item element of the format', () => {
    expect(splitFeed('<feed><entry>a</entry></feed>')?.itemName).toBe('entry')
    expect(splitFeed(rss('<item>a</item>'))?.itemName).toBe('item')
  })
})
