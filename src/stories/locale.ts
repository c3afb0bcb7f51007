// Which countries a text is about, from a small gazetteer: the same words in another country are another story.
import { stem } from './stem'

// Country code → names, demonyms, capitals, regions and national institutions (lower case; multi-word allowed).
const GAZETTEER: Record<string, string> = {
  gb: 'uk|britain|british|england|english|scotland|scottish|wales|welsh|northern ireland|london|westminster|whitehall|downing street|nhs|house of commons|home office',
  ie: 'ireland|irish|dublin|dail|taoiseach|garda',
  us: 'us|usa|united states|america|american|americans|washington|congress|white house|fbi|new york|california|texas|florida|chicago|los angeles|illinois|ohio|michigan',
  ca: 'canada|canadian|ottawa|toronto|ontario|quebec|british columbia|alberta|vancouver',
  au: 'australia|australian|canberra|sydney|melbourne|queensland|brisbane|victoria|perth|adelaide',
  nz: 'new zealand|zealander|wellington|auckland',
  fr: 'france|french|paris|elysee|marseille|lyon',
  de: 'germany|german|berlin|bundestag|bavaria|munich|hamburg',
  it: 'italy|italian|rome|milan',
  es: 'spain|spanish|madrid|barcelona|catalonia',
  nl: 'netherlands|dutch|amsterdam|the hague',
  be: 'belgium|belgian|brussels',
  se: 'sweden|swedish|stockholm',
  no: 'norway|norwegian|oslo',
  dk: 'denmark|danish|copenhagen',
  pl: 'poland|polish|warsaw',
  pt: 'portugal|portuguese|lisbon',
  gr: 'greece|greek|athens',
  ch: 'switzerland|swiss|geneva|zurich',
  at: 'austria|austrian|vienna',
  ru: 'russia|russian|moscow|kremlin',
  ua: 'ukraine|ukrainian|kyiv',
  tr: 'turkey|turkish|ankara|istanbul',
  in: 'india|indian|delhi|new delhi|mumbai|punjab|kashmir|kerala|gujarat|bengal',
  pk: 'pakistan|pakistani|islamabad|karachi|lahore|sindh|khyber',
  bd: 'bangladesh|bangladeshi|dhaka',
  cn: 'china|chinese|beijing|shanghai|hong kong',
  jp: 'japan|japanese|tokyo',
  kr: 'south korea|korean|seoul',
  il: 'israel|israeli|jerusalem|tel aviv',
  ps: 'gaza|palestinian|west bank',
  ir: 'iran|iranian|tehran',
  sa: 'saudi arabia|saudi|riyadh',
  eg: 'egypt|egyptian|cairo',
  za: 'south africa|south african|johannesburg|cape town|pretoria',
  ng: 'nigeria|nigerian|lagos|abuja',
  ke: 'kenya|kenyan|nairobi',
  br: 'brazil|brazilian|brasilia|rio de janeiro|sao paulo',
  mx: 'mexico|mexican|mexico city',
  ar: 'argentina|argentine|buenos aires',
}

const LOOKUP = new Map<string, string>()
for (const [code, names] of Object.entries(GAZETTEER)) {
  for (const name of names.split('|')) {
    LOOKUP.set(name, code)
    // Single words are also looked up as stems, the form an analysis keeps for ordinary words ("British").
    if (!name.includes(' ')) LOOKUP.set(stem(name), code)
  }
}

/**
 * Countries a text names, with weighted counts, from its entity keys ("new zealand", "uk") and its stems ("british").
 */
export function countriesOf(entities: ReadonlyMap<string, number>, terms: ReadonlyMap<string, number>): Map<string, number> {
  const found = new Map<string, number>()
  const add = (name: string, count: number): void => {
    const code = LOOKUP.get(name)
    if (code !== undefined) found.set(code, (found.get(code) ?? 0) + count)
  }
  for (const [key, count] of entities) {
    if (LOOKUP.has(key)) add(key, count)
    else for (const word of key.split(' ')) add(word, count)
  }
  for (const [term, count] of terms) add(term, count)
  return found
}
