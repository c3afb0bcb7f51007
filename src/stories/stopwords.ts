// English function words and news boilerplate that carry no topic: never terms, never phrase parts.

const WORDS = `a about above across after afterwards again against ago all almost alone along already also although always
am among amongst an and another any anybody anyone anything anyway anywhere are aren't around as at back be became because
become becomes becoming been before beforehand behind being below beside besides between beyond both but by can can't cannot
could couldn't did didn't do does doesn't doing don't done down during each either else elsewhere enough etc even ever every
everybody everyone everything everywhere except few for former formerly from further had hadn't has hasn't have haven't having
he he'd he'll he's hence her here here's hereafter hereby herein hers herself him himself his how however i i'd i'll i'm i've
ie if in indeed instead into is isn't it it's its itself just latter latterly least less let let's many may maybe me meanwhile
might mine more moreover most mostly much must my myself namely neither never nevertheless next no nobody none noone nor not
nothing now nowhere of off often on once one ones only onto or other others otherwise our ours ourselves out over own per
perhaps please quite rather really same say says said saying several she she'd she'll she's should shouldn't since so some
somebody someone something sometime sometimes somewhere still such than that that's the their theirs them themselves then
thence there there's thereafter thereby therefore therein these they they'd they'll they're they've this those though through
throughout thus to together too toward towards under until unto up upon us very via was wasn't we we'd we'll we're we've were
weren't what what's whatever when whence whenever where where's whereafter whereas whereby wherein whereupon wherever whether
which while whilst who who's whoever whole whom whose why will with within without won't would wouldn't yet you you'd you'll
you're you've your yours yourself yourselves mr mrs ms dr told tell tells added adding according told also yesterday today
tonight tomorrow week weeks day days year years month months time times way ways thing things lot lots get gets got getting go
goes going went make makes made making take takes took taking come comes came coming see seen saw know known knew think thought
want wanted use used using put puts`

// Apostrophes are dropped by the tokeniser, so "don't" arrives as "dont".
/** Lower-case stopwords, with apostrophes removed. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  WORDS.split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/'/g, '')),
)

/** True if `word` (lower case, apostrophes removed) carries no topic. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word)
}
