// Story matching: tokeniser, stemmer, entities, scoring with hard negatives, explanations, near-duplicates and drift.
import { describe, expect, it } from 'vitest'
import seedText from '../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw'
import { adaptProfile } from '../../src/stories/adapt-profile'
import { analyseArticle, type ArticleText } from '../../src/stories/analyse-article'
import { addToBackground, Background, DEFAULT_BACKGROUND } from '../../src/stories/background-df'
import { isNearDuplicate, signature, similarity } from '../../src/stories/near-duplicate'
import { scoreArticle } from '../../src/stories/score-article'
import { stem } from '../../src/stories/stem'
import { buildProfile } from '../../src/stories/story-profile'
import { StoryMatcher } from '../../src/stories/story-matcher'
import { leadOf } from '../../src/stories/story-text'
import { tokenise } from '../../src/stories/tokenise'

const FOLLOW_UPS: [string, ArticleText][] = [
  ['starmer orders national inquiry into grooming gang', { title: 'Starmer orders national inquiry into grooming gangs after Casey audit', text: 'Keir Starmer has ordered a full national statutory inquiry into grooming gangs after Baroness Louise Casey\'s audit found that the sexual exploitation of children by gangs had been ignored by councils and police for decades. The Prime Minister said victims had been failed by the state and that the inquiry would have powers to compel witnesses.' }],
  ['casey audit finds officials ducked ethnicity of gr', { title: 'Casey audit finds officials ducked ethnicity of grooming gang offenders', text: 'Baroness Casey\'s national audit into group-based child sexual exploitation has found that police and councils repeatedly avoided recording the ethnicity of offenders for fear of being called racist. The report, published on Monday, says victims were let down and recommends a national inquiry.' }],
  ['grooming gang survivors demand say in choosing inq', { title: 'Grooming gang survivors demand say in choosing inquiry chair', text: 'Survivors of grooming gangs have written to the Home Secretary demanding a role in choosing who will chair the national inquiry into child sexual abuse by organised gangs, amid reports that two candidates have withdrawn.' }],
  ['former police chief appointed to lead grooming gan', { title: 'Former police chief appointed to lead grooming gangs inquiry', text: 'A former senior police officer has been appointed chair of the national inquiry into grooming gangs, the Home Office announced. Victims\' groups said they had concerns about a police figure leading an investigation into failures that included police failures to protect children from sexual exploitation.' }],
  ['mps back cross-party bill for public inquiry into ', { title: 'MPs back cross-party bill for public inquiry into rape gangs', text: 'A cross-party group of MPs and peers has backed a private member\'s bill calling for a full public inquiry into the rape gangs scandal, saying that local inquiries in towns such as Oldham and Rochdale are not enough to uncover the cover-ups.' }],
  ['government u-turn: full statutory inquiry into chi', { title: 'Government U-turn: full statutory inquiry into child sexual exploitation gangs', text: 'The government has reversed its position and will hold a statutory national inquiry into the sexual exploitation of children by grooming gangs, months after ministers rejected calls for one and backed local inquiries instead.' }],
]

const HARD_NEGATIVES: [string, ArticleText][] = [
  ['Farage and Reform UK win local elections', { title: 'Reform UK sweeps council seats as Farage hails \'earthquake\'', text: 'Nigel Farage\'s Reform UK has won hundreds of council seats in the local elections and taken control of several councils from the Conservatives. Farage said the result was the end of two-party politics, while Labour lost ground in its northern heartlands. Turnout was about 35 per cent.' }],
  ['Louise Casey leads a social care commission', { title: 'Louise Casey to lead commission on adult social care', text: 'Baroness Louise Casey will chair an independent commission on the future of adult social care, the government has announced. The commission will report in two phases, with the first setting out recommendations on reforms to care homes, home care and support for unpaid carers, and a second on long-term funding by 2028.' }],
  ['the same Home Secretary announces the Southport inquiry', { title: 'Cooper announces statutory public inquiry into Southport attack', text: 'Home Secretary Yvette Cooper has announced a statutory public inquiry into the Southport attack, in which three young girls were murdered at a dance class. The inquiry will examine how the attacker was known to police, the Prevent programme and social services before the killings, and the families of the victims welcomed the national inquiry.' }],
  ['a grooming case in Australia', { title: 'Police in Australia charge men over child grooming network in Queensland', text: 'Queensland police have charged six men over an alleged child grooming network operating in Brisbane, accused of sexually exploiting teenage girls. Detectives said the gang used social media to target vulnerable children. The Australian federal government has not announced an inquiry.' }],
  ['a generic child-protection story', { title: 'Ofsted warns council children\'s services failing vulnerable youngsters', text: 'Inspectors have rated a council\'s children\'s services inadequate, warning that vulnerable children were left at risk of harm and that safeguarding referrals were not followed up. The council said it accepted the findings and had appointed a new director of children\'s services.' }],
  ['the safeguarding minister launches a VAWG strategy', { title: 'Jess Phillips launches violence against women strategy', text: 'Safeguarding minister Jess Phillips has launched the government\'s strategy to halve violence against women and girls within a decade, with new funding for domestic abuse refuges and stalking protection orders.' }],
  ['another public inquiry reports', { title: 'Covid inquiry criticises government over care home deaths', text: 'The Covid-19 public inquiry has found that the government failed to protect care home residents during the pandemic, with its chair Baroness Hallett saying that decisions to discharge patients from hospitals were taken without proper testing.' }],
  ['the same peer on Labour voters', { title: 'Lord Glasman says Labour must win back working-class voters', text: 'Labour peer Maurice Glasman has warned that Keir Starmer\'s party risks losing its working-class voters to Reform UK unless it changes course on immigration and the economy.' }],
]

const profile = buildProfile({ title: 'Grooming gangs national inquiry', seeds: [{ title: '', text: seedText }] }, DEFAULT_BACKGROUND)
const score = (a: ArticleText) => scoreArticle(profile, a, DEFAULT_BACKGROUND)
const DAY = 24 * 60 * 60 * 1000

describe('text analysis', () => {
  it.each([
    ['gangs', 'gang'],
    ['grooming', 'groom'],
    ['groomed', 'groom'],
    ['abused', stem('abuse')],
    ['inquiries', stem('inquiry')],
    ['enquiry', stem('inquiry')],
    ['organized', stem('organised')],
    ['exploitation', stem('exploited')],
  ])('stems %s like %s', (word, expected) => {
    expect(stem(word)).toBe(expected)
  })

  it('lower-cases, drops punctuation and numbers, and joins bound compounds', () => {
    const words = tokenise('Sub-postmasters’ cover-ups: 2,000 cases, a three-month audit.').map((t) => t.lower)
    expect(words).toEqual(['subpostmasters', 'coverups', '2', '000', 'cases', 'a', 'three', 'month', 'audit'])
    const terms = [...analyseArticle({ title: '', text: 'Sub-postmasters’ cover-ups: 2,000 cases, a three-month audit.' }).terms.keys()]
    expect(terms).not.toContain('000')
    expect(terms).toContain(stem('subpostmasters'))
  })

  it('finds multi-word names, strips titles and post-nominals, and keeps acronyms', () => {
    const a = analyseArticle({
      title: '',
      text: 'Home Secretary Yvette Cooper said Baroness Louise Casey and Tom Crowther KC would report. Nigel Farage’s Reform UK agreed. The NHS and the Bank of England said nothing.',
    })
    expect([...a.entities.keys()]).toEqual(expect.arrayContaining(['yvette cooper', 'louise casey', 'tom crowther', 'nigel farage', 'reform uk', 'nhs', 'bank of england']))
    expect(a.names.has('farage')).toBe(true)
  })

  it('names the person after a title inside a run of names, and drops a particle a dropped word leaves', () => {
    const a = analyseArticle({
      title: '',
      text: 'On Monday US President Donald Trump spoke to Boeing CEO Dave Calhoun. Rotherham MP Sarah Champion was there. Head of Boeing\u2019s 737 programme Ed Clark left. The Princess of Wales visited.',
    })
    const keys = [...a.entities.keys()]
    expect(keys).toEqual(expect.arrayContaining(['donald trump', 'dave calhoun', 'sarah champion', 'boeing', 'ed clark']))
    expect(keys.filter((k) => k.startsWith('of ') || k.includes(' president ') || k.includes(' ceo ') || k.includes(' mp '))).toEqual([])
  })

  it('reads an office named on its own as words, not as a name of the story', () => {
    const a = analyseArticle({ title: '', text: 'The Home Secretary said the Prime Minister agreed. Home Secretary Yvette Cooper spoke later.' })
    expect([...a.entities.keys()]).toEqual(['yvette cooper'])
    expect(a.terms.has(stem('secretary'))).toBe(true)
  })

  it('does not take a capitalised first word of a sentence for a name', () => {
    const a = analyseArticle({ title: '', text: 'Backing the bill, he spoke. Grooming gangs are still operating.' })
    expect(a.entities.size).toBe(0)
    expect(a.terms.has('groom')).toBe(true)
  })

  it('reads a Title Case headline as words, not names', () => {
    const a = analyseArticle({ title: 'Ministers Announce National Inquiry Into Grooming Gangs', text: 'Ministers have announced an inquiry.' })
    expect(a.terms.get('groom')).toBe(3)
    expect(a.entities.size).toBe(0)
  })

  it('weights headline words three times body words', () => {
    const a = analyseArticle({ title: 'Audit published', text: 'The audit was published.' })
    expect(a.terms.get('audit')).toBe(4)
  })

  it('blends live document frequencies into the prior IDF', () => {
    let stats = { docs: 0, df: {} as Record<string, number> }
    for (let i = 0; i < 5000; i++) stats = addToBackground(stats, i % 2 === 0 ? ['zyxwv', 'common'] : ['common'], 100)
    const live = new Background(stats)
    expect(live.idf('zyxwv')).toBeLessThan(DEFAULT_BACKGROUND.idf('zyxwv'))
    expect(live.idf('common')).toBeLessThan(1)
  })
})

describe('the lead', () => {
  it('keeps a text of up to the given number of words whole', () => {
    expect(leadOf('  one two\n\nthree  ', 3)).toBe('  one two\n\nthree  ')
    expect(leadOf('', 3)).toBe('')
  })

  it('cuts a longer text after its last kept word, keeping the spacing inside', () => {
    expect(leadOf('one two\n\nthree four five', 3)).toBe('one two\n\nthree')
  })

  it('reads 300 words by default', () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`)
    expect(leadOf(words.join(' '))).toBe(words.slice(0, 300).join(' '))
  })
})

describe('story profile', () => {
  it('is small, serialisable and led by the story’s own words', () => {
    const json = JSON.stringify(profile)
    expect(json.length).toBeLessThan(20_000)
    expect(JSON.parse(json)).toEqual(profile)
    expect(profile.terms.length).toBeLessThanOrEqual(60)
    expect(profile.terms.slice(0, 5).map((t) => t.term)).toEqual(expect.arrayContaining(['gang', 'groom']))
    expect(profile.entities.map((e) => e.key)).toContain('nigel farage')
    expect(profile.phrases.map((p) => p.key)).toContain('groom gang')
  })

  it('labels a keyword\'s words as the newsroom wrote them when the seeds do not use them', () => {
    const profile = buildProfile({ title: 'Council budget', seeds: [{ title: '', text: 'The council met on Tuesday to discuss the budget and the parks.' }], keywords: ['Rochdale council'] }, DEFAULT_BACKGROUND)
    expect(profile.terms.find((t) => t.term === stem('rochdale'))?.label).toBe('rochdale')
  })

  it('throws without a seed', () => {
    expect(() => buildProfile({ title: 'x', seeds: [] }, DEFAULT_BACKGROUND)).toThrow(/seed/)
  })
})

describe('scoring', () => {
  it.each(FOLLOW_UPS)('matches the follow-up "%s"', (_, article) => {
    expect(score(article).matched).toBe(true)
  })

  it.each(HARD_NEGATIVES)('does not match %s', (_, article) => {
    const m = score(article)
    expect(m.score).toBeLessThan(0.5)
    expect(m.matched).toBe(false)
  })

  it('names the terms, phrases and entities that carried a match', () => {
    const m = score(FOLLOW_UPS[0]?.[1] as ArticleText)
    expect(m.explanation.terms.map((t) => t.term)).toEqual(expect.arrayContaining(['gangs', 'grooming']))
    expect(m.explanation.terms[0]?.weight).toBeGreaterThan(0)
    expect(m.explanation.phrases).toContain('grooming gangs')
    expect(m.explanation.entities).toEqual(expect.arrayContaining(['Keir Starmer', 'Louise Casey']))
  })

  it('reads the story’s words shared without any of its phrases or names as the topic, not the story', () => {
    // County lines: grooming, gangs and exploitation, but no "grooming gangs", no inquiry and nobody from the story.
    const topic = { title: 'County lines: hundreds arrested in week of police action', text: 'Police arrested hundreds of people in a crackdown on county lines drug gangs. Children were groomed and exploited by the gangs to carry drugs, and officers said criminal exploitation of vulnerable children was growing.' }
    const bare = score(topic)
    expect(bare.explanation.phrases).toEqual([])
    expect(bare.explanation.entities).toEqual([])
    expect(bare.matched).toBe(false)
    // The same words with one of the story's names are corroborated, and weigh in full.
    const named = score({ ...topic, text: `${topic.text} Jess Phillips said the figures were shocking.` })
    expect(named.parts.lexical).toBeCloseTo(bare.parts.lexical, 1)
    expect(named.score - bare.score).toBeGreaterThan(0.2)
  })

  it('never matches on entities alone', () => {
    const m = score({ title: 'Nigel Farage, Yvette Cooper, Louise Casey and Keir Starmer at Wimbledon', text: 'Nigel Farage, Maurice Glasman, Jess Phillips, Yvette Cooper and Keir Starmer watched the tennis final with GB News presenters.' })
    expect(m.matched).toBe(false)
  })

  it('lets a keyword or exclusion that is a name, such as "Court of Appeal", hit an article that names it', () => {
    const seed = [{ title: '', text: 'The Post Office Horizon inquiry heard evidence from Fujitsu engineers about remote access to sub-postmasters accounts.' }]
    const article = { title: 'Former shopkeeper cleared by the Court of Appeal', text: 'The Court of Appeal quashed the theft conviction of a former village shopkeeper, twenty years on.' }
    const plain = scoreArticle(buildProfile({ title: 'Post Office Horizon scandal', seeds: seed }, DEFAULT_BACKGROUND), article, DEFAULT_BACKGROUND)
    const keyed = scoreArticle(buildProfile({ title: 'Post Office Horizon scandal', seeds: seed, keywords: ['Court of Appeal'] }, DEFAULT_BACKGROUND), article, DEFAULT_BACKGROUND)
    const excluded = scoreArticle(buildProfile({ title: 'Post Office Horizon scandal', seeds: seed, keywords: ['Court of Appeal'], excludeKeywords: ['Court of Appeal'] }, DEFAULT_BACKGROUND), article, DEFAULT_BACKGROUND)
    expect(plain.parts.keyword).toBe(false)
    expect(keyed.parts.keyword).toBe(true)
    expect(keyed.score).toBeGreaterThan(plain.score)
    expect(excluded.explanation.excludedBy).toBe('court appeal')
    expect(excluded.matched).toBe(false)
  })

  it('lets an exclude keyword veto and a keyword boost', () => {
    const article = FOLLOW_UPS[2]?.[1] as ArticleText
    const vetoed = buildProfile({ title: 'Grooming gangs national inquiry', seeds: [{ title: '', text: seedText }], excludeKeywords: ['survivors'] }, DEFAULT_BACKGROUND)
    const v = scoreArticle(vetoed, article, DEFAULT_BACKGROUND)
    expect(v).toMatchObject({ score: 0, matched: false, explanation: { excludedBy: stem('survivors') } })
    const weak = { title: 'Councils to review historic exploitation cases', text: 'Councils will review historic cases of child sexual exploitation, ministers said.' }
    const boosted = buildProfile({ title: 'Grooming gangs national inquiry', seeds: [{ title: '', text: seedText }], keywords: ['exploitation cases'] }, DEFAULT_BACKGROUND)
    expect(scoreArticle(boosted, weak, DEFAULT_BACKGROUND).score).toBeGreaterThan(score(weak).score)
  })
})

describe('StoryMatcher', () => {
  it('decides for many stories exactly as scoreArticle does for each', () => {
    const horizon = buildProfile({ title: 'Post Office Horizon scandal', seeds: [{ title: '', text: 'Sub-postmasters wrongly convicted because of faulty Horizon accounting software have had their convictions quashed, and the Post Office faces calls to speed up compensation.' }] }, DEFAULT_BACKGROUND)
    const matcher = new StoryMatcher([profile, horizon], DEFAULT_BACKGROUND)
    for (const [, article] of [...FOLLOW_UPS, ...HARD_NEGATIVES]) {
      const analysis = analyseArticle(article)
      expect(matcher.scoreAll(analysis)).toEqual([scoreArticle(profile, analysis, DEFAULT_BACKGROUND), scoreArticle(horizon, analysis, DEFAULT_BACKGROUND)])
    }
  })

  it('explains only the matches when asked to, deciding and scoring everything else the same', () => {
    const full = new StoryMatcher([profile], DEFAULT_BACKGROUND)
    const lean = new StoryMatcher([profile], DEFAULT_BACKGROUND, 'matches')
    let nearMisses = 0
    for (const [, article] of [...FOLLOW_UPS, ...HARD_NEGATIVES]) {
      const analysis = analyseArticle(article)
      const [explained] = full.scoreAll(analysis)
      const [decided] = lean.scoreAll(analysis)
      expect(decided?.matched).toBe(explained?.matched)
      expect(decided?.score).toBe(explained?.score)
      if (explained?.matched) expect(decided).toEqual(explained)
      else if ((explained?.explanation.phrases.length ?? 0) + (explained?.explanation.terms.length ?? 0) > 0) {
        nearMisses++
        expect(decided?.explanation).toEqual({ terms: [], entities: [], phrases: [] })
      }
    }
    expect(nearMisses).toBeGreaterThan(0)
  })
})

describe('near-duplicates', () => {
  const agency = 'The Home Secretary has announced a national statutory inquiry into grooming gangs, to be chaired by a former senior social worker, after an audit found that officials had avoided examining the ethnicity of offenders for years.'
  it('groups agency copy and a lightly re-worded version', () => {
    const reworded = `${agency.replace('has announced', 'announced on Monday').replace('for years', 'for many years')} Survivors welcomed the news.`
    expect(signature(agency)).toMatch(/^[0-9a-f]{512}$/)
    expect(signature(agency)).toBe(signature(agency))
    expect(isNearDuplicate(signature(agency), signature(reworded))).toBe(true)
    expect(similarity(signature(agency), signature(reworded))).toBeGreaterThan(0.5)
  })
  it('keeps different developments apart', () => {
    const other = 'Baroness Casey will chair an independent commission on adult social care, with a first report due next year on reforms to home care and support for unpaid carers.'
    expect(isNearDuplicate(signature(agency), signature(other))).toBe(false)
  })
})

describe('adaptive tracking', () => {
  const drift: ArticleText[] = [
    { title: 'Casey audit published: officials avoided ethnicity data for fear of racism claims', text: 'Baroness Casey’s audit of group-based child sexual exploitation has been published. It finds that police and councils avoided recording the ethnicity of grooming gang offenders and recommends a national inquiry with statutory powers.' },
    { title: 'National inquiry into grooming gangs announced after audit', text: 'The Prime Minister has announced a national statutory inquiry into grooming gangs after the Casey audit. The inquiry will be able to compel witnesses and will examine failures by police and councils to protect children from sexual exploitation.' },
    { title: 'Former social worker appointed chair of grooming gangs inquiry', text: 'A former director of children’s services has been appointed chair of the national inquiry into grooming gangs. Survivors said the chair must be independent of the councils the inquiry will investigate.' },
  ]
  const adapted = drift.reduce((p, a, i) => adaptProfile(p, a, { now: Date.UTC(2025, 5, 1) + i * 7 * DAY, relevant: true }), profile)

  it('learns the new developments but keeps the seed anchored and the profile bounded', () => {
    expect(adapted.updates).toBe(3)
    expect(adapted.terms.some((t) => t.seed === 0 && t.learned > 0)).toBe(true)
    expect(adapted.terms.length).toBeLessThanOrEqual(90)
    for (const t of profile.terms) expect(adapted.terms.find((u) => u.term === t.term)?.seed).toBe(t.seed)
    expect(JSON.stringify(adapted).length).toBeLessThan(20_000)
  })

  it('matches the next development and not the general topic or the same people elsewhere', () => {
    const next = { title: 'Grooming gangs inquiry chair sets out terms of reference', text: 'The chair of the national inquiry into grooming gangs has published draft terms of reference and asked survivors to respond within six weeks.' }
    expect(scoreArticle(adapted, next, DEFAULT_BACKGROUND).matched).toBe(true)
    const generic = { title: 'Council children’s services rated inadequate', text: 'Ofsted has rated a council’s children’s services inadequate, saying vulnerable children were left at risk and safeguarding referrals were not followed up. A new director has been appointed.' }
    expect(scoreArticle(adapted, generic, DEFAULT_BACKGROUND).matched).toBe(false)
    const reform = HARD_NEGATIVES[0]?.[1] as ArticleText
    expect(scoreArticle(adapted, reform, DEFAULT_BACKGROUND).matched).toBe(false)
  })

  it('down-weights the terms of a false alarm, never below half the seed weight', () => {
    const alarm = { title: 'Gangs behind small boats to face new powers', text: 'Criminal gangs smuggling people across the Channel will face new powers, the Home Secretary said.' }
    const corrected = adaptProfile(profile, alarm, { now: Date.UTC(2025, 5, 1), relevant: false, source: 'feedback' })
    const gang = corrected.terms.find((t) => t.term === 'gang')
    expect(gang?.learned).toBeLessThan(0)
    expect((gang?.seed ?? 0) + (gang?.learned ?? 0)).toBeGreaterThanOrEqual((gang?.seed ?? 0) * 0.5)
    expect(scoreArticle(corrected, alarm, DEFAULT_BACKGROUND).score).toBeLessThan(scoreArticle(profile, alarm, DEFAULT_BACKGROUND).score)
  })

  it('learns a person named in full and then by surname as one entity, found again by surname', () => {
    const first = { title: 'Anne Longfield named chair of grooming gangs inquiry', text: 'Anne Longfield will chair the national inquiry into grooming gangs. Longfield said survivors would be heard, and Longfield promised to report within three years.' }
    const learned = adaptProfile(profile, first, { now: Date.UTC(2025, 9, 1), relevant: true })
    const longfield = learned.entities.filter((e) => e.key.includes('longfield'))
    expect(longfield.map((e) => [e.key, e.alias])).toEqual([['anne longfield', 'longfield']])
    const yvette = adaptProfile(profile, { title: 'Grooming gangs inquiry', text: 'Yvette Cooper ordered the national inquiry into grooming gangs. Cooper said victims were failed, and Cooper apologised.' }, { now: Date.UTC(2025, 5, 1), relevant: true })
    expect(yvette.entities.filter((e) => e.key.includes('cooper')).map((e) => e.key)).toEqual(['yvette cooper'])
    const later = analyseArticle({ title: 'Inquiry sets out terms of reference', text: 'The inquiry chaired by Longfield will start hearings next year.' })
    expect(scoreArticle(profile, later, DEFAULT_BACKGROUND).parts.entities).toBe(0)
    expect(scoreArticle(learned, later, DEFAULT_BACKGROUND).parts.entities).toBeGreaterThan(0)
  })

  it('lets learned evidence decay with time', () => {
    const later = adaptProfile(adapted, { title: 'x', text: 'y' }, { now: Date.UTC(2025, 5, 15) + 120 * DAY, relevant: false })
    const learned = (p: typeof adapted) => p.terms.reduce((s, t) => s + Math.max(0, t.learned), 0)
    expect(learned(later)).toBeLessThan(learned(adapted) / 4)
  })
})
