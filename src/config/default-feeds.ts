// The feeds a fresh deployment polls: UK outlets whose coverage carries follow-ups on the default story.
// These URLs could not be fetched from the offline build machine; a dead one shows up as a per-feed error.

export interface DefaultFeed {
  url: string
  title: string
}

export const DEFAULT_FEEDS: readonly DefaultFeed[] = [
  { url: 'https://feeds.bbci.co.uk/news/uk/rss.xml', title: 'BBC News: UK' },
  { url: 'https://feeds.bbci.co.uk/news/politics/rss.xml', title: 'BBC News: Politics' },
  { url: 'https://www.theguardian.com/uk-news/rss', title: 'The Guardian: UK news' },
  { url: 'https://www.theguardian.com/politics/rss', title: 'The Guardian: Politics' },
  { url: 'https://feeds.skynews.com/feeds/rss/uk.xml', title: 'Sky News: UK' },
  { url: 'https://feeds.skynews.com/feeds/rss/politics.xml', title: 'Sky News: Politics' },
  { url: 'https://www.gbnews.com/feeds/news.rss', title: 'GB News' },
  { url: 'https://www.independent.co.uk/news/uk/rss', title: 'The Independent: UK' },
  { url: 'https://www.independent.co.uk/news/uk/politics/rss', title: 'The Independent: Politics' },
]
