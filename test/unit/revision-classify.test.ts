// Revision classification: per-field changes, NewsEdits sentence changes, stats, labels, significance, thresholds.
import { describe, expect, it } from 'vitest'
import { classifyRevision, isMinorChange, type RevisionAnalysis, type RevisionFields } from '../../src/revisions/classify-revision'
import { diffBody } from '../../src/revisions/body-diff'
import { normaliseForRevision } from '../../src/core/normalise-for-revision'
import { shouldAlert } from '../../src/revisions/thresholds'

const P = {
  lede: 'Members of the RMT union have voted to reject a 4.5% pay offer, extending a dispute that has disrupted services since March.',
  union: 'The union\u2019s general secretary, Lynne Ford, said the offer \u201cdoes not come close\u201d to matching inflation. She called on ministers to intervene.',
  operators: 'The Rail Delivery Group said it was disappointed and that the offer was \u201cfair and affordable\u201d. It urged the union to return to talks.',
  dates: 'Further strikes are planned for 14 and 16 June.',
}
const BASE: RevisionFields = {
  title: 'Striking rail workers reject latest pay offer',
  summary: 'The RMT says the 4.5% offer does not match inflation.',
  content: [P.lede, P.union, P.operators, P.dates].join('\n\n'),
  author: 'Tom Reed',
  url: 'https://news.example.com/rail-strike',
}
const body = (...paragraphs: string[]): string => paragraphs.join('\n\n')
const edit = (over: Partial<RevisionFields>): RevisionFields => ({ ...BASE, ...over })

/** A deterministic body of about `words` words, sentences of 20 words (mulberry32); `tag` changes the vocabulary. */
function prose(words: number, seed: number, tag = ''): string {
  let s = seed >>> 0
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const vocab = ['council', 'minister', 'report', 'inquiry', 'residents', 'funding', 'police', 'hospital', 'said', 'would', 'after', 'plans', 'week', 'vote', 'local', 'school', 'staff', 'costs', 'rose', 'new']
  const paragraphs: string[] = []
  let sentences: string[] = []
  for (let w = 0; w < words; w += 20) {
    const sentence = Array.from({ length: 20 }, () => (vocab[Math.floor(next() * vocab.length)] ?? 'news') + tag).join(' ')
    sentences.push(sentence.charAt(0).toUpperCase() + sentence.slice(1) + ` ${w}.`)
    if (sentences.length === 3) {
      paragraphs.push(sentences.join(' '))
      sentences = []
    }
  }
  if (sentences.length > 0) paragraphs.push(sentences.join(' '))
  return paragraphs.join('\n\n')
}

function rebuild(ops: { op: string; text: string }[]): { before: string; after: string } {
  return {
    before: ops.filter((o) => o.op !== 'insert').map((o) => o.text).join(''),
    after: ops.filter((o) => o.op !== 'delete').map((o) => o.text).join(''),
  }
}

describe('classifyRevision', () => {
  it.each<{ name: string; after: RevisionFields; classification: RevisionAnalysis['classification']; changedFields: string[]; check?: (a: RevisionAnalysis) => void }>([
    {
      name: 'a softened headline is a headline change',
      after: edit({ title: 'Rail workers turn down pay offer' }),
      classification: 'headline',
      changedFields: ['title'],
      check: (a) => expect(a.significance).toBeGreaterThanOrEqual(0.5),
    },
    {
      name: 'a quietly removed paragraph is a body deletion',
      after: edit({ content: body(P.lede, P.operators, P.dates) }),
      classification: 'body_deletion',
      changedFields: ['content'],
      check: (a) => {
        expect(a.sentences).toEqual({ added: [], deleted: P.union.replace(/\u201c|\u201d/g, '"').replace(/\u2019/g, "'").split(/(?<=\.) /), edited: [], moved: [] })
        expect(a.stats).toMatchObject({ sentencesDeleted: 2, wordsAdded: 0, wordsRemoved: 22 })
      },
    },
    {
      name: 'an appended correction is a correction',
      after: edit({ content: body(BASE.content, 'Correction: An earlier version of this article said the offer was 5%. It was 4.5%.') }),
      classification: 'correction',
      changedFields: ['content'],
      check: (a) => {
        expect(a.correction).toBe(true)
        expect(a.sentences.added).toHaveLength(2)
        expect(a.significance).toBeGreaterThan(0.3)
      },
    },
    {
      name: 'a reworded sentence is one edited sentence',
      after: edit({ content: body(P.lede, P.union.replace('She called on ministers to intervene.', 'She called on the transport secretary to intervene personally.'), P.operators, P.dates) }),
      classification: 'body_edit',
      changedFields: ['content'],
      check: (a) => {
        expect(a.sentences.edited).toEqual([{ before: 'She called on ministers to intervene.', after: 'She called on the transport secretary to intervene personally.' }])
        expect(a.sentences.added).toEqual([])
        expect(a.sentences.deleted).toEqual([])
        expect(a.stats).toMatchObject({ wordsAdded: 4, wordsRemoved: 1, sentencesEdited: 1 })
      },
    },
    {
      name: 'two swapped paragraphs are moved sentences, not deletions and insertions',
      after: edit({ content: body(P.lede, P.operators, P.union, P.dates) }),
      classification: 'body_edit',
      changedFields: ['content'],
      check: (a) => {
        expect(a.sentences.added).toEqual([])
        expect(a.sentences.deleted).toEqual([])
        expect(a.sentences.moved).toHaveLength(2)
        expect(a.stats).toMatchObject({ wordsAdded: 0, wordsRemoved: 0, sentencesMoved: 2, bodyChangedShare: 0 })
      },
    },
    {
      name: 'a new paragraph is a body addition',
      after: edit({ content: body(BASE.content, 'Talks are due to resume at the conciliation service Acas on Monday.') }),
      classification: 'body_addition',
      changedFields: ['content'],
      check: (a) => expect(a.stats).toMatchObject({ sentencesAdded: 1, wordsAdded: 12 }),
    },
    {
      name: 'a rewritten standfirst is a standfirst change',
      after: edit({ summary: 'The union says the offer is far below inflation.' }),
      classification: 'standfirst',
      changedFields: ['summary'],
    },
    {
      name: 'a new byline alone is a byline change',
      after: edit({ author: 'Tom Reed and Ali Khan' }),
      classification: 'byline',
      changedFields: ['author'],
      check: (a) => expect(a.stats.wordsAdded + a.stats.wordsRemoved).toBe(0),
    },
    {
      name: 'a changed URL alone is a url change',
      after: edit({ url: 'https://news.example.com/rail-strike-pay-offer' }),
      classification: 'url',
      changedFields: ['url'],
    },
    {
      name: 'a headline and body change together is labelled by the headline',
      after: edit({ title: 'Rail strike talks collapse', content: body(P.lede, P.union, P.operators) }),
      classification: 'headline',
      changedFields: ['title', 'content'],
    },
    {
      name: 'typographic quotes, spacing and zero-width characters only are minor',
      after: edit({ title: 'Striking  rail workers reject\u200b latest pay offer', content: BASE.content.replace(/\u201c|\u201d/g, '"').replace(/\u2019/g, "'").replace(/\. /g, '.  ') }),
      classification: 'minor',
      changedFields: [],
      check: (a) => {
        expect(a.minor).toBe(true)
        expect(a.significance).toBe(0)
      },
    },
    {
      name: 'a refreshed "Updated 5 minutes ago" line is minor',
      after: edit({ summary: `${BASE.summary}\nUpdated 12 minutes ago` }),
      classification: 'minor',
      changedFields: [],
    },
    {
      name: 'the same version is unchanged, not minor',
      after: edit({}),
      classification: 'unchanged',
      changedFields: [],
      check: (a) => expect(a.minor).toBe(false),
    },
  ])('$name', ({ after, classification, changedFields, check }) => {
    const a = classifyRevision(BASE, after)
    expect(a.classification).toBe(classification)
    expect(a.changedFields).toEqual(changedFields)
    check?.(a)
  })

  it('classifies a 5,000-word full rewrite as rewritten by the bound, with whole-body counts', () => {
    const a = classifyRevision(edit({ content: prose(5_000, 1) }), edit({ content: prose(5_000, 2) }))
    expect(a.classification).toBe('rewritten')
    expect(a.bounded).toBe(true)
    expect(a.fields[0]?.ops).toBeNull()
    expect(a.stats).toMatchObject({ bodyChangedShare: 1, wordsAdded: a.stats.bodyWordsAfter, wordsRemoved: a.stats.bodyWordsBefore })
    expect(a.stats.bodyWordsAfter).toBeGreaterThan(5_000)
  })

  it('classifies a body more than 60% replaced as rewritten even within the bound', () => {
    const kept = prose(200, 3)
    const a = classifyRevision(edit({ content: body(kept, prose(400, 4)) }), edit({ content: body(kept, prose(400, 5, 'x')) }))
    expect(a.bounded).toBe(false)
    expect(a.stats.bodyChangedShare).toBeGreaterThan(0.6)
    expect(a.classification).toBe('rewritten')
  })

  it('finds a one-sentence edit in a 1,000-word article', () => {
    const before = prose(1_000, 6)
    const after = before.replace('Council', 'The county council')
    const a = classifyRevision(edit({ content: before }), edit({ content: after }))
    expect(a.classification).toBe('body_edit')
    expect(a.stats).toMatchObject({ sentencesEdited: 1, sentencesAdded: 0, sentencesDeleted: 0, wordsAdded: 3, wordsRemoved: 1 })
    expect(a.stats.bodyChangedShare).toBeLessThan(0.01)
  })

  it('uses the summary as the body when neither version has content', () => {
    const a = classifyRevision(edit({ content: '' }), edit({ content: '', summary: 'The RMT says the 4.5% offer does not match inflation. Strikes go ahead.' }))
    expect(a.bodyField).toBe('summary')
    expect(a.classification).toBe('body_addition')
    expect(a.sentences.added).toEqual(['Strikes go ahead.'])
  })

  it('does not count a correction notice that was already there', () => {
    const withNote = body(BASE.content, 'Correction: this article was amended on 3 June.')
    const a = classifyRevision(edit({ content: withNote }), edit({ content: withNote.replace('14 and 16 June', '15 and 17 June') }))
    expect(a.correction).toBe(false)
    expect(a.classification).toBe('body_edit')
  })

  it('gives field ops that rebuild the compared texts exactly', () => {
    const afters = [
      edit({ title: 'Rail workers turn down pay offer', content: body(P.lede, P.operators, P.union) }),
      edit({ content: body(`${P.lede} ${P.dates}`, P.union, 'A new paragraph.') }),
      edit({ content: body(P.dates, P.lede) }),
    ]
    for (const after of afters) {
      for (const f of classifyRevision(BASE, after).fields) {
        expect(f.ops).not.toBeNull()
        expect(rebuild(f.ops ?? [])).toEqual({ before: f.before, after: f.after })
      }
    }
  })

  it('scores any headline change above any body-only change', () => {
    const headline = classifyRevision(BASE, edit({ title: 'Rail workers reject latest pay offer' }))
    const rewrite = classifyRevision(edit({ content: prose(5_000, 1) }), edit({ content: prose(5_000, 2) }))
    expect(headline.significance).toBeGreaterThan(rewrite.significance)
  })

  it('scores more words changed as at least as significant (monotone)', () => {
    const before = prose(1_000, 7)
    const sentences = before.split(/(?<=\.) /)
    let previous = -1
    for (const n of [1, 2, 5, 10, 20, 40]) {
      const after = sentences.map((s, i) => (i < n ? s.replace(/^\w+/, 'Meanwhile officials') : s)).join(' ')
      const score = classifyRevision(edit({ content: before }), edit({ content: after })).significance
      expect(score).toBeGreaterThanOrEqual(previous)
      previous = score
    }
    expect(previous).toBeGreaterThan(0.1)
  })
})

describe('isMinorChange', () => {
  it.each([
    { name: 'curly to straight quotes', after: edit({ content: BASE.content.replace(/\u201c|\u201d/g, '"') }), want: true },
    { name: 'a non-breaking space', after: edit({ title: BASE.title.replace(' ', '\u00a0') }), want: true },
    { name: 'a null byline and an empty one', after: edit({ author: '' }), before: edit({ author: null }), want: false },
    { name: 'identical versions', after: edit({}), want: false },
    { name: 'a real word change', after: edit({ title: 'Rail workers reject offer' }), want: false },
  ])('$name → $want', ({ before = BASE, after, want }) => {
    expect(isMinorChange(before, after)).toBe(want)
  })
})

describe('normaliseForRevision', () => {
  it.each([
    { name: 'a relative timestamp line', text: 'Headline\nUpdated 5 minutes ago', want: 'Headline' },
    { name: 'last updated with a colon', text: 'Last updated: 2 hours ago\n\nBody.', want: 'Body.' },
    { name: 'published days ago after a byline separator', text: 'By Jane Smith \u00b7 Published 3 days ago', want: 'By Jane Smith' },
    { name: 'a bare relative time line', text: '45 mins ago\n\nBody.', want: 'Body.' },
    { name: 'posted just now inline', text: 'Body text. Posted just now', want: 'Body text.' },
    { name: 'prose about an update is kept', text: 'The software was updated last year.', want: 'The software was updated last year.' },
    { name: 'a bare relative time inside prose is kept', text: 'The blast happened 5 minutes ago, police said.', want: 'The blast happened 5 minutes ago, police said.' },
    { name: 'quotes and spaces as normaliseForCompare', text: '\u201cYes,\u201d  she said \u2014 twice.', want: '"Yes," she said - twice.' },
  ])('$name', ({ text, want }) => {
    expect(normaliseForRevision(text)).toBe(want)
    expect(normaliseForRevision(want)).toBe(want)
  })
})

describe('diffBody', () => {
  it('abandons a body with more sentences than the cap', () => {
    expect(diffBody('One. Two. Three.', 'One. Two.', { maxSentences: 2 })).toMatchObject({ kind: 'bounded', reason: 'too_many_sentences', wordsRemoved: 3, wordsAdded: 2 })
  })

  it('abandons a diff with more sentence edits than the bound', () => {
    expect(diffBody('A one. B two. C three.', 'D four. E five. F six.', { maxSentenceEdits: 4 })).toMatchObject({ kind: 'bounded', reason: 'too_many_edits' })
  })

  it('pairs edited sentences by best match, not by position', () => {
    const d = diffBody('The mayor resigned on Tuesday. Police arrested two men in Leeds.', 'Police arrested three men in central Leeds. The mayor resigned on Tuesday night.')
    expect(d.kind).toBe('diffed')
    if (d.kind === 'diffed') {
      expect(d.sentences.edited).toEqual([
        { before: 'The mayor resigned on Tuesday.', after: 'The mayor resigned on Tuesday night.' },
        { before: 'Police arrested two men in Leeds.', after: 'Police arrested three men in central Leeds.' },
      ])
    }
  })

  it('pairs a sentence rewritten in place at a lower similarity than one rewritten elsewhere', () => {
    const before = 'Kept first. Work is due to begin in the spring. Kept last.'
    const inPlace = diffBody(before, 'Kept first. Work is now expected to begin next autumn, after a delay. Kept last.')
    expect(inPlace.kind === 'diffed' && inPlace.sentences.edited).toHaveLength(1)
    const elsewhere = diffBody(before, 'Kept first. Kept last. Work is now expected to begin next autumn, after a delay.')
    expect(elsewhere.kind === 'diffed' && elsewhere.sentences).toMatchObject({ edited: [], added: [expect.any(String)], deleted: [expect.any(String)] })
  })

  it('shows a region larger than the display bound as one deletion and one insertion', () => {
    const d = diffBody('Kept. A long old passage of text here.', 'Kept. A long new passage of text here.', { regionMaxWords: 3 })
    expect(d.kind === 'diffed' && d.ops).toEqual([
      { op: 'equal', text: 'Kept. ' },
      { op: 'delete', text: 'A long old passage of text here.' },
      { op: 'insert', text: 'A long new passage of text here.' },
    ])
  })
})

describe('shouldAlert', () => {
  const headline = classifyRevision(BASE, edit({ title: 'Rail workers turn down pay offer' }))
  const standfirst = classifyRevision(BASE, edit({ summary: 'The union says the offer is far below inflation.' }))
  const smallBody = classifyRevision(BASE, edit({ content: BASE.content.replace('14 and 16 June', '15 and 17 June') }))
  const minor = classifyRevision(BASE, edit({ content: BASE.content.replace(/\u201c|\u201d/g, '"') }))
  const byline = classifyRevision(BASE, edit({ author: 'Ali Khan' }))
  it.each([
    { name: 'a minor change never alerts', analysis: minor, policy: { minChangeWords: 0, headlineOnly: false }, want: false },
    { name: 'headlineOnly alerts on a headline change', analysis: headline, policy: { minChangeWords: 50, headlineOnly: true }, want: true },
    { name: 'headlineOnly ignores a standfirst change', analysis: standfirst, policy: { minChangeWords: 0, headlineOnly: true }, want: false },
    { name: 'a standfirst change alerts whatever its size', analysis: standfirst, policy: { minChangeWords: 50, headlineOnly: false }, want: true },
    { name: 'a small body edit under minChangeWords does not alert', analysis: smallBody, policy: { minChangeWords: 5, headlineOnly: false }, want: false },
    { name: 'a small body edit at minChangeWords alerts', analysis: smallBody, policy: { minChangeWords: 4, headlineOnly: false }, want: true },
    { name: 'a byline change counts no words', analysis: byline, policy: { minChangeWords: 1, headlineOnly: false }, want: false },
  ])('$name', ({ analysis, policy, want }) => {
    expect(shouldAlert(analysis, policy)).toBe(want)
  })
})

describe('classifyRevision on the fixture chains', () => {
  const files = import.meta.glob<string>('../../fixtures/revisions/*/v*.txt', { query: '?raw', import: 'default', eager: true })
  const version = (slug: string, n: number): RevisionFields => {
    const raw = files[`../../fixtures/revisions/${slug}/v${n}.txt`]
    if (raw === undefined) throw new Error(`no fixture ${slug}/v${n}.txt`)
    const newline = raw.indexOf('\n')
    return { title: raw.slice(0, newline), summary: '', content: raw.slice(newline + 1), author: null, url: `https://news.example.com/${slug}` }
  }
  it.each<{ slug: string; from: number; want: RevisionAnalysis['classification']; sentences?: Partial<Record<'added' | 'deleted' | 'edited' | 'moved', number>> }>([
    { slug: 'body-sentence-reworded', from: 1, want: 'body_edit', sentences: { edited: 1, added: 0, deleted: 0 } },
    { slug: 'body-sentence-reworded', from: 2, want: 'body_edit', sentences: { edited: 2 } },
    { slug: 'headline-softened', from: 1, want: 'headline', sentences: { edited: 0 } },
    { slug: 'headline-softened', from: 2, want: 'headline', sentences: { edited: 1 } },
    { slug: 'paragraph-quietly-removed', from: 1, want: 'body_deletion', sentences: { deleted: 1 } },
    { slug: 'paragraph-quietly-removed', from: 2, want: 'body_deletion', sentences: { deleted: 1 } },
    { slug: 'paragraphs-swapped', from: 1, want: 'body_edit', sentences: { moved: 2, added: 0, deleted: 0 } },
    { slug: 'paragraphs-swapped', from: 2, want: 'body_edit', sentences: { moved: 1, added: 0, deleted: 0 } },
    { slug: 'correction-appended', from: 1, want: 'correction', sentences: { edited: 1, added: 2 } },
    { slug: 'correction-appended', from: 2, want: 'correction', sentences: { added: 1 } },
    { slug: 'unicode-quotes-pounds-accents', from: 1, want: 'minor' },
    { slug: 'unicode-quotes-pounds-accents', from: 2, want: 'headline', sentences: { edited: 2 } },
    { slug: 'no-trailing-newline', from: 1, want: 'minor' },
    { slug: 'no-trailing-newline', from: 2, want: 'headline', sentences: { edited: 3, deleted: 0 } },
  ])('$slug v$from → next is $want', ({ slug, from, want, sentences = {} }) => {
    const a = classifyRevision(version(slug, from), version(slug, from + 1))
    expect(a.classification).toBe(want)
    for (const [kind, n] of Object.entries(sentences)) expect(a.sentences[kind as keyof typeof sentences], kind).toHaveLength(n)
  })
})
