// The webhook wire formats (webhook-payload.ts, slack-payload.ts): versioned DTO, size bound, Block Kit shape.
import { describe, expect, it } from 'vitest'
import { MAX_PAYLOAD_BYTES, historyUrl, toWebhookPayload, utf8Length } from '../../src/delivery/webhook-payload'
import { buildSlackPayload, diffExcerpt } from '../../src/delivery/slack-payload'
import type { Alert } from '../../src/model/alert'

const revision: Alert = {
  id: 'rev_0123456789abcdef01234567',
  type: 'revision',
  createdAt: '2030-01-07T09:05:00.000Z',
  articleId: '5d0c2f9e41aa7b3c8d10',
  feedId: '3f9a1c0b7d2e',
  title: 'Minister resigns over <leaked> memo',
  url: 'https://news.example.com/a/1',
  summary: 'headline changed',
  fromVersion: 1,
  toVersion: 2,
  classification: 'headline',
  significance: 0.6,
  changes: [
    {
      field: 'title',
      before: 'Minister under pressure over memo',
      after: 'Minister resigns over <leaked> memo',
      ops: [{ op: 'equal', text: 'Minister ' }, { op: 'delete', text: 'under pressure' }, { op: 'insert', text: 'resigns' }, { op: 'equal', text: ' over memo' }],
      wordsAdded: 1,
      wordsRemoved: 2,
    },
  ],
}
const followUp: Alert = {
  id: 'fup_0123456789abcdef01234567',
  type: 'follow_up',
  createdAt: '2030-01-07T09:05:00.000Z',
  articleId: 'a2',
  feedId: 'f2',
  title: 'Inquiry chair named',
  url: 'https://news.example.com/a/2',
  summary: 'Follow-up on "Inquiry"',
  storyId: 'inquiry',
  storyTitle: 'National inquiry',
  score: 0.83,
  explanation: { terms: ['inquiri'], entities: ['Casey'], phrases: ['national inquiry'] },
  clusterId: 'dev_1',
  alsoReportedBy: [],
}

describe('toWebhookPayload', () => {
  it('builds a versioned alert.revision event with the changes and the history link', () => {
    const { event, body } = toWebhookPayload(revision, { historyUrl: historyUrl('https://sw.example', revision.articleId) })
    expect(JSON.parse(body)).toEqual(event)
    expect(event).toMatchObject({
      type: 'alert.revision',
      timestamp: revision.createdAt,
      data: {
        version: 1,
        alertId: revision.id,
        alertType: 'revision',
        article: { id: revision.articleId, url: revision.url, historyUrl: `https://sw.example/articles/${revision.articleId}` },
        revision: { fromVersion: 1, toVersion: 2, classification: 'headline', significance: 0.6, changes: [{ field: 'title', diff: revision.changes?.[0]?.ops }] },
        followUp: null,
        removed: null,
        truncated: false,
      },
    })
  })

  it('builds alert.follow_up with the story and why it matched', () => {
    const { event } = toWebhookPayload(followUp, { historyUrl: historyUrl(null, 'a2') })
    expect(event.type).toBe('alert.follow_up')
    expect(event.data.article.historyUrl).toBe('/articles/a2')
    expect(event.data.followUp).toMatchObject({ storyId: 'inquiry', storyTitle: 'National inquiry', score: 0.83, explanation: { entities: ['Casey'] } })
    expect(event.data.revision).toBeNull()
  })

  it('stays under 20 KB by truncating a long diff, and says so', () => {
    const long = 'word '.repeat(20_000)
    const big: Alert = {
      ...revision,
      changes: [{ field: 'content', before: long, after: `${long} más`, ops: Array.from({ length: 5000 }, (_, i) => ({ op: i % 2 ? 'insert' : 'equal', text: `ünïcode ${i} ` })), wordsAdded: 5000, wordsRemoved: 0 }],
    }
    const { event, body } = toWebhookPayload(big, { historyUrl: '/articles/x' })
    expect(utf8Length(body)).toBeLessThan(MAX_PAYLOAD_BYTES)
    expect(event.data.truncated).toBe(true)
    expect(event.data.revision?.changes[0]?.before.endsWith('…')).toBe(true)
  })
})

describe('buildSlackPayload', () => {
  it('shows the feed, the headline before → after (escaped) and links to the article and its history', () => {
    const message = buildSlackPayload(revision, { historyUrl: 'https://sw.example/articles/5d0c2f9e41aa7b3c8d10', feedTitle: 'News & Co' })
    expect(message.text).toBe('Revision (headline): Minister resigns over <leaked> memo')
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Revision (headline): Minister resigns over <leaked> memo', emoji: false } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Feed: News &amp; Co' }] },
      { type: 'section', text: { type: 'mrkdwn', text: '*Headline:* ~Minister under pressure over memo~ → *Minister resigns over &lt;leaked&gt; memo*' } },
      { type: 'section', text: { type: 'mrkdwn', text: '<https://news.example.com/a/1|Read the article> · <https://sw.example/articles/5d0c2f9e41aa7b3c8d10|History>' } },
    ])
  })

  it('names the story of a follow-up and falls back to a relative history path as text', () => {
    const message = buildSlackPayload(followUp, { historyUrl: '/articles/a2', feedTitle: null })
    expect(message.blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Story: National inquiry' }] })
    expect(message.blocks.at(-1)).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<https://news.example.com/a/2|Read the article> · History: /articles/a2' } })
  })

  it('excerpts a body diff briefly: deletions struck, insertions bold', () => {
    const excerpt = diffExcerpt([{ op: 'equal', text: 'a '.repeat(200) }, { op: 'delete', text: 'old words ' }, { op: 'insert', text: 'new words ' }, { op: 'equal', text: 'tail' }])
    expect(excerpt).toContain('~old words~ *new words* tail')
    expect(excerpt.length).toBeLessThan(200)
  })
})
