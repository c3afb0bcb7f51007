// Deterministic news-like text for benchmarks: 40 topics, each with its own vocabulary and names, plus common filler.

/** mulberry32: a small seeded PRNG, so every run generates the same texts. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Random = () => number

export function pick<T>(next: Random, xs: readonly T[]): T {
  return xs[Math.floor(next() * xs.length)] as T
}

export interface Topic {
  /** Headline noun phrase, e.g. "flood defence scheme". */
  subject: string
  /** The topic's own words: a third of an article about it comes from these. */
  words: readonly string[]
  /** People and places the topic names (capitalised, so entity extraction finds them). */
  names: readonly string[]
}

const RAW_TOPICS: [string, string, string][] = [
  ['flood defence scheme', 'flood defence river barrier embankment rainfall homes evacuated sandbags drainage surge', 'Environment Agency|River Severn|Shrewsbury'],
  ['hospital waiting lists', 'hospital waiting patients surgery consultants backlog referrals appointments beds trust', 'Wes Streeting|NHS England|Royal Infirmary'],
  ['junior doctors strike', 'doctors strike walkout pay ballot rota shifts medics picket arbitration', 'British Medical Association|Vivek Trivedi'],
  ['Post Office Horizon scandal', 'subpostmasters convictions compensation software accounting shortfalls quashed redress inquiry prosecutions', 'Post Office|Paula Vennells|Fujitsu|Horizon'],
  ['grooming gangs inquiry', 'grooming exploitation victims abuse inquiry survivors safeguarding perpetrators authorities failures', 'Rochdale|Rotherham|Alexis Jay|Yvette Cooper'],
  ['water company sewage', 'sewage spills discharges rivers outflows bathing pollution bills dividends regulator', 'Thames Water|Ofwat|Feargal Sharkey'],
  ['school funding row', 'schools teachers pupils classrooms funding headteachers curriculum academies budgets ofsted', 'Bridget Phillipson|Ofsted|National Education Union'],
  ['rail timetable chaos', 'trains cancellations timetable passengers delays signalling drivers franchise platforms commuters', 'Network Rail|Northern|Avanti West Coast'],
  ['housing development plan', 'housing homes developers planning greenbelt affordable estate construction permission tenants', 'Angela Rayner|Homes England|Barnet'],
  ['energy price cap', 'energy bills price cap tariffs suppliers households gas electricity standing charges', 'Ofgem|Octopus Energy|British Gas'],
  ['steelworks closure', 'steelworks furnaces steel jobs plant closure workers redundancy union blast', 'Port Talbot|Tata Steel|Scunthorpe'],
  ['prison overcrowding', 'prisons inmates overcrowding release sentences cells probation governors capacity remand', 'Shabana Mahmood|HMP Wandsworth|Prison Service'],
  ['migrant channel crossings', 'crossings boats migrants channel asylum smuggling dinghies coastguard returns hotels', 'Home Office|Dover|Calais'],
  ['council bankruptcy', 'council bankruptcy section notice commissioners spending cuts deficit borrowing services auditors', 'Birmingham City Council|Nottingham|Woking'],
  ['airport expansion', 'airport runway expansion flights noise emissions terminal aviation passengers slots', 'Heathrow|Gatwick|Rachel Reeves'],
  ['police misconduct hearing', 'officers misconduct hearing constable dismissed complaint conduct tribunal gross watchdog', 'Metropolitan Police|IOPC|Mark Rowley'],
  ['football club takeover', 'club takeover owners consortium stadium fans bid premier league investors', 'Everton|Premier League|Goodison Park'],
  ['wildfire season', 'wildfire blaze firefighters moorland hectares drought heatwave crews flames', 'Saddleworth Moor|Fire Service|Peak District'],
  ['cyber attack on retailer', 'cyber attack hackers ransomware systems data breach customers outage criminals', 'Marks and Spencer|Co-op|National Crime Agency'],
  ['bird flu outbreak', 'avian influenza flock poultry culled outbreak farms housing order virus birds', 'Defra|Norfolk|Animal and Plant Health Agency'],
  ['bridge closure', 'bridge closure structural engineers repairs traffic diversion inspection cracks span motorists', 'Hammersmith Bridge|Transport for London'],
  ['museum funding', 'museum galleries exhibition collection curators visitors artefacts heritage donors grants', 'British Museum|Tate|Arts Council'],
  ['fishing quota dispute', 'fishing quota trawlers catch boats harbour waters fleet stocks fishermen', 'Peterhead|Brixham|Marine Scotland'],
  ['broadband rollout', 'broadband gigabit fibre rollout rural connections providers speeds masts coverage', 'Openreach|Ofcom|Project Gigabit'],
  ['university finances', 'universities students tuition fees lecturers courses deficit campuses international vice', 'Universities UK|Office for Students'],
  ['bus service cuts', 'buses routes services fares operators timetable villages subsidy passengers depots', 'Stagecoach|First Bus|Arriva'],
  ['dog attack laws', 'dogs attack breed owners bully ban muzzles kennels seizure bites', 'XL Bully|RSPCA|Kennel Club'],
  ['pothole repairs', 'potholes roads repairs resurfacing highways motorists claims tarmac maintenance backlog', 'RAC|Local Government Association'],
  ['town centre regeneration', 'regeneration shops high street market vacant retail footfall traders redevelopment square', 'Stockport|Levelling Up Fund'],
  ['festival cancelled', 'festival cancelled tickets refunds organisers weather site headliners campers stages', 'Glastonbury|Reading Festival|Worthy Farm'],
  ['heritage railway', 'steam locomotive heritage railway volunteers carriages restoration line station enthusiasts', 'Bluebell Railway|Flying Scotsman'],
  ['zoo animal birth', 'zoo keepers calf birth enclosure conservation species breeding visitors cub', 'Chester Zoo|Whipsnade'],
  ['lottery winner', 'lottery jackpot ticket winner millions draw syndicate prize numbers claim', 'EuroMillions|Camelot|Allwyn'],
  ['marathon record', 'marathon runners record race finish course athletes miles charity crowds', 'London Marathon|Eliud Kipchoge'],
  ['new library opens', 'library books readers opening reading borrowers archive children librarians shelves', 'Manchester Central Library|Carnegie'],
  ['weather warning snow', 'snow ice forecasters warning temperatures gritters schools closed roads freezing', 'Met Office|Pennines|Cumbria'],
  ['local election result', 'election candidates ballots turnout ward seats councillors count majority recount', 'Reform UK|Liberal Democrats|Greens'],
  ['theatre restoration', 'theatre stage restoration auditorium productions actors audiences curtain seats refurbishment', 'Old Vic|Royal Exchange'],
  ['cycle lane dispute', 'cycle lanes cyclists bollards residents traffic consultation scheme pavements low', 'Sustrans|Oxford|Waltham Forest'],
  ['beach pollution warning', 'beach bathing water swimmers quality warning tide coastal samples lifeguards', 'Surfers Against Sewage|Whitstable|Blackpool'],
]

export const TOPICS: readonly Topic[] = RAW_TOPICS.map(([subject, words, names]) => ({ subject, words: words.split(' '), names: names.split('|') }))

const FILLER = (
  'the council said on a new report about plans for local people after the meeting in the city this week ' +
  'officials told residents that it would be reviewed and a spokesperson added they were working with partners ' +
  'figures published on tuesday showed the number had risen since last year while critics said more was needed'
).split(' ')

/** One sentence of 10–24 words about `topic`: about a third topic words, an occasional name, the rest filler. */
export function sentence(next: Random, topic: Topic): string {
  const length = 10 + Math.floor(next() * 15)
  const words: string[] = []
  for (let i = 0; i < length; i++) {
    const r = next()
    words.push(r < 0.33 ? pick(next, topic.words) : r < 0.38 ? pick(next, topic.names) : pick(next, FILLER))
  }
  const text = words.join(' ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

/** Sentences of `min`–`max` words in all (the last one cut short to fit). */
export function passage(next: Random, topic: Topic, min: number, max: number): string {
  const target = min + Math.floor(next() * (max - min + 1))
  const words: string[] = []
  while (words.length < target) words.push(...sentence(next, topic).split(' '))
  return `${words.slice(0, target).join(' ').replace(/\.$/, '')}.`
}

/** A headline of 6–10 words naming the topic's subject. */
export function headline(next: Random, topic: Topic): string {
  const verbs = ['criticised', 'delayed', 'approved', 'under pressure', 'faces new questions', 'to be reviewed', 'hit by new row']
  const lead = `${pick(next, topic.names)} ${topic.subject} ${pick(next, verbs)}`
  return `${lead.charAt(0).toUpperCase()}${lead.slice(1)}`
}

/** A story seed about `topic`: a headline line, then about 300 words in paragraphs. */
export function seedText(topic: Topic, seed: number): string {
  const next = prng(seed)
  const paragraphs = Array.from({ length: 5 }, () => passage(next, topic, 50, 70))
  return `${headline(next, topic)}\n\n${paragraphs.join('\n\n')}`
}
