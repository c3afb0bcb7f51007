// Builds ParsedItem values for unit tests: every field empty unless the test names it.
import type { ParsedItem } from '../../src/model/feed'

export function parsedItem(baseUrl: string, fields: Partial<ParsedItem> = {}): ParsedItem {
  return {
    guid: null,
    guidIsPermaLink: false,
    link: null,
    title: null,
    summaryHtml: null,
    contentHtml: null,
    author: null,
    categories: [],
    published: null,
    updated: null,
    baseUrl,
    ...fields,
  }
}
