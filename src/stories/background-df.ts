// Background document frequencies: a built-in prior for English news, optionally blended with live counts.
import { STOPWORDS } from './stopwords'
import { stem } from './stem'
import { WORD_IDF } from './word-idf'

/**
 * Live document frequencies over recent articles (the pipeline does not keep them yet): `docs` articles seen,
 * `df[stem]` of them containing the stem. Bounded to the most frequent terms (see addToBackground), so an absent stem is a rare one.
 */
export interface BackgroundStats {
  docs: number
  df: Record<string, number>
}

// The prior has two parts. Hand-listed bands of words by how often a news article uses them, each band given the IDF of
// a typical document frequency (ln 1/df), name the news vocabulary ("inquiry", "statutory"). Measured counts of English
// words (WORD_IDF, from SUBTLEX-US) add the everyday words no list names in full, down to the common band only: rarer
// readings from subtitles do not carry over to news. A stem takes the lower (more common) of the two readings; stems
// in neither are rare.
const IDF_VERY_COMMON = 1.2 // df ≈ 30%: "people", "government", "new"
/** df ≈ 5%: "police", "election", "children". Measured counts (WORD_IDF) are trusted up to this IDF. */
export const IDF_COMMON = 3.0
const IDF_NEWSY = 4.6 // df ≈ 1%: "inquiry", "audit", "scandal"
/** IDF of a stem the background has never seen: df ≈ 0.1%. */
export const IDF_UNKNOWN = 6.9
const IDF_STOPWORD = 0.5
// Live counts outweigh the prior once this many articles have been seen.
const PRIOR_DOCS = 2_000
/** Default bound on the live table (terms kept), about 200 KB of JSON in KV. */
export const BACKGROUND_MAX_TERMS = 20_000

const VERY_COMMON = `people government new first last world country state city group house home family man woman men women
life work part place case number point public percent company system program question area money night end home member law
power service family report information business friend father mother side head hand level office door health person art war
history party result change morning reason research girl guy moment air teacher force education foot boy age policy music
market sense nation plan college interest death experience effect class control care field development role effort rate heart
drug show leader light voice wife police mind price son daughter name team problem issue fact story month week government
high big small large long great little old young good bad best better right left early late important national local social
political economic public major real sure free full true whole clear recent general private past possible able likely last
former own different certain senior main top key open close short hard strong wide single similar final total major current
say said tell ask call give find help keep leave mean move need play run set show start stop talk try turn begin bring hold
happen include continue follow learn lead live meet offer pay provide remain seem serve stand understand win build consider
expect fall grow lose open reach report send spend suggest support agree allow appear believe change create die feel hear
look love read speak watch write announce claim face plan raise return warn vote deal accept act add affect answer apply
argue arrive avoid base become cause check choose collect compare complete concern cover decide describe design develop
discuss drive enjoy explain fill fight focus force hope identify improve increase involve join kill knock lie limit list
mark matter mention miss note own pass pick prepare present produce protect prove publish push receive record reduce refer
reflect relate release remember remove replace represent require rest result reveal rise save seek sell share sign sit sort
spend stay step store suffer test thank throw touch train travel treat visit wait walk wear wish worry`

const COMMON = `ahead given especially indeed simply clearly certainly probably possibly actually finally immediately quickly slowly recently
currently previously originally initially eventually apparently reportedly allegedly largely mainly mostly partly fully
nearly roughly highly widely deeply strongly seriously directly publicly privately openly formally officially jointly
particularly specifically generally usually normally typically frequently regularly increasingly repeatedly twice once
again already soon later earlier instead rather quite fairly pretty enough too very much many more most less least
whole entire complete various several numerous multiple certain particular specific general common usual normal typical
regular similar different separate distinct individual personal human natural physical simple basic serious severe
significant substantial considerable huge enormous massive tiny minor modest limited wider broader deep deeper further
far near close nearby remote distant outside inside upper lower central northern southern eastern western north south
east west five three four six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million
billion dozen first second third fourth fifth last next previous following led lead leads leading based base bases
principle principles wary indicated indicate indicates concluded conclude conclusion conduct conducted conducting
direction directions framework frameworks action actions account accounts truth secret secrets hide hidden comprehensive
multiple decade decades operate operating operation operations operator request requests requested reject rejected
rejection resist resisted resistance rapid rapidly prominence prominent alarm alarms bell bells grip disgrace
disgraceful horrific horrible terrible awful shocking outrageous appalling ignore ignored ignoring given give gives giving
break breaks breaking broke broken conclude ahead behind beyond across against towards within throughout despite
although unless whether either neither nor both each every any some none all such own same other another
able unable likely unlikely possible impossible necessary available responsible aware sure unsure ready willing
keen happy sad angry afraid worried concerned confident proud pleased disappointed frustrated furious upset surprised
shocked delighted glad grateful sorry fine okay ok nice lovely beautiful ugly wonderful great excellent perfect poor rich
cheap expensive easy difficult hard tough simple complex complicated clear unclear obvious evident apparent plain
true false correct wrong right fair unfair equal free busy quiet loud fast slow quick brief long short tall wide narrow
thick thin heavy light dark bright hot cold warm cool dry wet fresh clean dirty safe dangerous healthy sick ill dead alive
ordinary unusual strange rare unique special extra additional extraordinary remarkable notable famous popular unpopular
known unknown familiar foreign native original final ultimate initial early late recent modern ancient traditional
young old new fresh latest current future present past previous former prior subsequent ongoing continuing permanent
temporary daily weekly monthly annual yearly hourly whole half quarter double single twice triple
include includes included including involve involves involved involving contain contains contained containing
appear appears appeared appearing seem seems seemed remain remains remained remaining become becomes became
happen happens happened happening occur occurs occurred occurring exist exists existed existing emerge emerged
continue continues continued continuing begin begins began begun beginning start starts started starting end ends ended
ending finish finished stop stopped stopping close closed closing open opened opening launch launched launching
carry carried carrying bring brought bringing hold held holding keep kept keeping leave left leaving let lets
put set sets setting run runs ran running move moved moving turn turned turning walk walked walking stand stood
standing sit sat sitting lie lay lying rise rose risen fall fell fallen drop dropped dropping raise raised raising
lift lifted push pushed pull pulled throw threw thrown catch caught hit hits struck strike send sent sending receive
received receiving deliver delivered buy bought buying sell sold selling pay paid paying cost costs spend spent
save saved saving win won winning lose lost losing beat beaten fight fought fighting kill killed die died dying live lived
living feel felt feeling hear heard hearing listen listened watch watched watching look looked looking see saw seen
notice noticed show showed shown showing meet met meeting join joined joining visit visited follow followed following
lead led leading help helped helping support supported supporting allow allowed allowing enable enabled prevent
prevented stop avoid avoided agree agreed agreeing disagree accept accepted refuse refused deny denied admit admitted
explain explained describe described suggest suggested recommend recommended propose proposed insist insisted
argue argued claim claimed believe believed expect expected hope hoped wish wished fear feared worry worried
decide decided choose chose chosen consider considered discuss discussed mention mentioned note noted point pointed
ask asked answer answered reply replied respond responded question questioned call called name named
write wrote written read reading speak spoke spoken talk talked talking tell told say said state stated
understand understood learn learned learnt teach taught know knew known think thought remember remembered forget
forgot forgotten realise realised recognise recognised identify identified discover discovered find found reveal
revealed report reported confirm confirmed announce announced publish published release released issue issued
create created build built develop developed design designed produce produced make made form formed
change changed improve improved increase increased reduce reduced cut grow grew grown expand expanded extend extended
replace replaced remove removed add added apply applied use used try tried test tested check checked
protect protected defend defended attack attacked threaten threatened warn warned urge urged demand demanded
require required need needed want wanted prefer preferred like liked love loved hate hated
plan planned prepare prepared organise organised arrange arranged manage managed handle handled control controlled
lead run operate operated work worked serve served provide provided offer offered deliver supply supplied
face faced deal dealt tackle tackled address addressed solve solved fix fixed treat treated
place places space spaces room rooms area areas site sites location locations position positions
side sides part parts piece pieces section sections element elements aspect aspects feature features
kind kinds type types sort sorts form forms level levels degree extent amount amounts range ranges
example examples case cases instance fact facts detail details matter matters issue issues subject subjects topic
reason reasons cause causes effect effects result results consequence consequences impact impacts outcome
idea ideas view views opinion opinions belief beliefs sense feeling thought thoughts mind minds attention
way ways means method methods approach approaches process processes practice practices step steps stage stages
situation situations condition conditions circumstances context background history future past present moment
time times period periods age ages era season seasons date dates hour hours minute minutes second seconds
people person persons man men woman women child kids boy boys girl girls baby babies family families friend friends
parent parents son sons daughter daughters brother brothers sister sisters husband wife wives partner partners
member members group groups team teams crowd crowds public audience community communities society people's
world country countries nation nations state states city cities town towns village villages street streets
road roads home homes house houses building buildings office offices school schools church churches
water food money power energy land air fire light sound voice word words letter letters line lines number page pages
news story stories book books paper papers film films picture pictures photo photos image images video videos
minister government council police court election vote voter campaign leader party labour conservative tory
tories liberal democrat green reform union member parliament mp mps commons lords peer bill law act rule policy spending tax
budget economy economic inflation interest rate bank price cost energy bill fuel wage pay job worker staff strike employer
school pupil teacher student university child children parent family mother father baby young youth adult elderly care
hospital patient doctor nurse health nhs medical treatment disease virus vaccine covid pandemic mental crime criminal
offence offender victim police officer arrest charge charged trial jury judge court sentence prison jail murder death
killed attack shooting stabbing knife gun violence abuse assault fraud theft investigation investigate evidence witness
allegation alleged accused claim report data figure statistic survey study research analysis review audit inquiry probe
scandal failure failing failed crisis problem concern warning risk threat safety security defence army military troops war
conflict peace ceasefire talks deal agreement trade export import market share investor company firm business chief
executive boss director chairman chair board shareholder profit loss revenue sale customer consumer retail shop store brand
price deal contract bid fund funding million billion pound pounds dollar euro cash money spend spending cut cuts plan plans
scheme programme project proposal reform change review decision approval ban call calls demand demands pressure criticism
critic support backing opposition protest campaign campaigner group organisation charity community resident local national
regional international global foreign domestic home country countries city town village area region county district
england scotland wales ireland britain british uk us usa america american europe european eu london france germany china
russia ukraine india israel gaza iran canada australia minister secretary chancellor president prime premier spokesman
spokeswoman spokesperson official officials authority authorities agency department office ministry regulator watchdog
service services system public private sector industry housing home homes house rent property land planning building
transport rail train road car traffic flight airport travel climate weather flood storm heat environment pollution water
sewage farming food farmer animal sport football match team club player season league cup game win won lose lost goal
coach manager fan fans stadium film music art show star actor singer book festival tv television radio news media newspaper
online internet social website app technology tech digital computer software data phone ai artificial intelligence
cyber online platform user content video photo image picture statement interview speech letter email message post
tweet comment remarks announcement announced announce confirmed confirm revealed reveal warned warn urged urge called
said says told added admitted denied insisted argued suggested expected believed thought known reported understood
week weekend monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december spring summer autumn winter morning evening night yesterday today tomorrow recent
latest new old former current future past early late next last first second third final major minor key main top senior
junior chief head deputy leading biggest largest highest lowest record years months weeks days hours minutes time period
number numbers figure total average rate level rise fall increase decrease growth drop jump surge cut boost half quarter
per cent percent around about nearly almost more less many much few several dozens hundreds thousands millions`

const NEWSY = `inquiry inquiries statutory statute statutes judicial probe audit review investigation report findings recommendations recommendation commission
commissioner ombudsman tribunal hearing hearings evidence testimony witness witnesses lawyer lawyers barrister solicitor
legal lawsuit litigation appeal appeals conviction convictions convicted acquitted acquittal sentence sentenced prosecution
prosecutor prosecutors prosecute cps charge charges defendant defendants guilty innocent plea verdict compensation damages
settlement payout apology apologise apologised resign resigned resignation sacked fired dismissed suspended suspension
appointed appointment chair chaired chairman chairwoman panel committee select hearing bipartisan
scandal cover-up coverup whistleblower whistleblowers leak leaked leaks documents emails files records misconduct negligence
corruption bribery fraud scam abuse abused abuser abusers trafficking trafficked vulnerable victims survivors survivor families bereaved campaigners justice accountability
failures failings failed systemic institutional cultural culture racism racist discrimination sexism harassment bullying
misogyny extremism extremist terror terrorism terrorist radicalisation migrants migration immigration asylum seekers
refugees borders boats crossings deportation visa visas citizenship ethnicity ethnic minority minorities community
communities cohesion riot riots unrest disorder protest protests protesters demonstration march rally strike strikes
walkout dispute negotiations talks deal offer pay rise inflation recession growth gdp unemployment jobs benefit benefits
welfare pension pensions tax taxes vat borrowing debt deficit spending cuts austerity budget autumn spring statement
chancellor treasury bank interest rates mortgage mortgages housing rents landlords tenants homelessness council councils
authority authorities mayor mayors devolution election elections by-election polls poll polling pollster survey seats
seat majority minority coalition manifesto pledge pledges promise promises u-turn row backlash criticism critics
condemned condemnation welcomed welcome praised blamed blame accused accusing allegations alleged claims denied denial
insisted admitted admits warned warns warning urged urges called calls demands demanded pressure mounting growing
sources insiders aides officials spokesman spokeswoman source briefing leak memo whitehall downing number ten cabinet
reshuffle minister ministers shadow backbenchers rebels rebellion vote votes voting mps peers
lords commons parliament parliamentary legislation bill bills amendment amendments law laws regulation regulations
regulator ofsted ofcom ofgem ofwat cqc fca watchdog inspectors inspection inspectorate nhs trust trusts hospital
hospitals ambulance gp gps nurses doctors junior consultants waiting lists patients care social adult elderly disabled
disability children's services schools academies teachers pupils exams universities students tuition fees police
force forces constabulary officers detectives chief constable commissioner met scotland yard arrest arrested arrests
charged court courts magistrates crown old bailey high supreme judge judges jury trial trials prison prisons prisoners
jail jailed sentence release released parole probation knife crime violent violence murder murdered killing killed
shooting stabbing stabbed attack attacked attacker victim injured injuries died death deaths fatal crash fire blaze
explosion flooding floods storm heatwave drought wildfire earthquake hurricane climate emissions net zero energy
oil gas nuclear renewable wind solar electricity bills prices water sewage companies firms company ceo executive
executives bosses board shareholders investors profits losses revenue shares stock markets ftse sterling dollar
contract contracts outsourcing procurement it computer software system systems technology data breach hack hacked
cyber cyberattack ai online social media platform platforms tiktok facebook twitter instagram youtube google apple
amazon microsoft meta bbc itv channel sky gb news times guardian telegraph mail sun mirror express independent
reuters bloomberg interview podcast broadcast programme documentary series drama film premiere award awards prize
festival concert tour album royal royals king queen prince princess palace monarchy coronation funeral tribute
tributes memorial anniversary ceremony celebration christmas easter summer holiday holidays travel airline airlines
flights airport airports rail railway trains strikes passengers motorists roads potholes transport buses`

function bandOf(words: string, idf: number, into: Map<string, number>): void {
  for (const raw of words.split(/\s+/)) {
    if (raw === '') continue
    for (const word of raw.toLowerCase().replace(/'/g, '').split('-')) {
      const key = stem(word)
      // A stem listed in two bands keeps its most common (lowest-IDF) reading.
      into.set(key, Math.min(into.get(key) ?? Infinity, idf))
    }
  }
}

function buildPrior(): Map<string, number> {
  const prior = new Map<string, number>()
  bandOf(VERY_COMMON, IDF_VERY_COMMON, prior)
  bandOf(COMMON, IDF_COMMON, prior)
  bandOf(NEWSY, IDF_NEWSY, prior)
  for (const word of STOPWORDS) prior.set(stem(word), IDF_STOPWORD)
  return prior
}

const PRIOR = buildPrior()

/** The band prior sharpened by measured word counts (WORD_IDF): a stem common in either source is not distinctive. */
function buildMeasuredPrior(bands: ReadonlyMap<string, number>): Map<string, number> {
  const prior = new Map(bands)
  for (const [idf, stems] of Object.entries(WORD_IDF)) {
    const value = Number(idf)
    for (const key of stems.split(' ')) prior.set(key, Math.min(prior.get(key) ?? Infinity, value))
  }
  return prior
}

const MEASURED_PRIOR = buildMeasuredPrior(PRIOR)

// Entity extraction asks about the same capitalised words again and again.
const COMMON_CACHE_LIMIT = 50_000 // bounds memory in a long-lived isolate, as the stemmer's cache does
const commonCache = new Map<string, boolean>()

/** True if `word` (lower case) is an everyday word the prior knows: such a word alone is not a name. */
export function isCommonWord(word: string): boolean {
  let common = commonCache.get(word)
  if (common === undefined) {
    common = STOPWORDS.has(word) || (PRIOR.get(stem(word)) ?? IDF_UNKNOWN) <= IDF_NEWSY
    if (commonCache.size >= COMMON_CACHE_LIMIT) commonCache.clear()
    commonCache.set(word, common)
  }
  return common
}

/**
 * Inverse document frequencies for scoring: the built-in prior, blended with live `stats` when given (weight grows
 * with `stats.docs`). Memoised per instance: build one per tick, not per article.
 */
export class Background {
  private readonly cache = new Map<string, number>()
  private readonly docs: number
  private readonly df: Record<string, number>

  constructor(stats?: BackgroundStats) {
    this.docs = stats?.docs ?? 0
    this.df = stats?.df ?? {}
  }

  /** IDF of a stem (≥ 0). */
  idf(term: string): number {
    const hit = this.cache.get(term)
    if (hit !== undefined) return hit
    const prior = MEASURED_PRIOR.get(term) ?? IDF_UNKNOWN
    let value = prior
    if (this.docs > 0) {
      // An absent stem fell below the bounded table's cut-off: treat it as seen in at most one article.
      const df = Object.hasOwn(this.df, term) ? (this.df[term] ?? 0) : 0.5
      const live = Math.min(Math.log((this.docs + 1) / (df + 0.5)), IDF_UNKNOWN + 1)
      value = (PRIOR_DOCS * prior + this.docs * live) / (PRIOR_DOCS + this.docs)
    }
    this.cache.set(term, value)
    return value
  }
}

/** The shared prior-only background, for callers that keep no live counts. */
export const DEFAULT_BACKGROUND = new Background()

/**
 * Counts one more article into `stats` (its distinct stems, e.g. `analyseArticle(a).terms.keys()`), returning a new
 * value bounded to `maxTerms` stems by dropping the rarest.
 */
export function addToBackground(stats: BackgroundStats, terms: Iterable<string>, maxTerms = BACKGROUND_MAX_TERMS): BackgroundStats {
  const df: Record<string, number> = { ...stats.df }
  for (const term of new Set(terms)) df[term] = (df[term] ?? 0) + 1
  const entries = Object.entries(df)
  if (entries.length <= maxTerms) return { docs: stats.docs + 1, df }
  entries.sort((a, b) => b[1] - a[1])
  return { docs: stats.docs + 1, df: Object.fromEntries(entries.slice(0, maxTerms)) }
}
