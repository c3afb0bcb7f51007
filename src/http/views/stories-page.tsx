// GET /stories: every tracked story with its counts, each linking to its timeline of follow-ups.
import type { FC } from 'hono/jsx'
import type { StoryRecord } from '../../stories/story-store'
import { Layout, Time } from './layout'
import { pageHref, type PageContext } from './page-links'
import { countsText, formatScore } from './story-page'

export interface StoriesPageProps {
  ctx: PageContext
  stories: StoryRecord[]
}

const StoryRow: FC<{ ctx: PageContext; story: StoryRecord }> = ({ ctx, story }) => (
  <li class="other">
    <h3>
      <a href={pageHref(ctx, `/stories/${encodeURIComponent(story.id)}`)}>{story.title}</a>
    </h3>
    <p class="meta">
      {story.isDefault && <span class="badge">default story</span>}
      {`${countsText(story)} · threshold ${formatScore(story.threshold ?? story.profile.threshold)} · tracked since `}
      <Time iso={story.createdAt} />
    </p>
  </li>
)

/** The list of tracked stories. */
export const StoriesPage: FC<StoriesPageProps> = ({ ctx, stories }) => (
  <Layout title="Stories" ctx={ctx}>
    <h1>Stories</h1>
    {stories.length === 0 && <p class="notice">No stories are tracked yet: create one with POST /api/stories.</p>}
    <ol class="changes">
      {stories.map((story) => (
        <StoryRow ctx={ctx} story={story} />
      ))}
    </ol>
  </Layout>
)
