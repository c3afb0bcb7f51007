// Vitest runs every test inside workerd (the Workers runtime) with real local KV; only outbound fetch is faked.
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          API_TOKEN: 'test-token',
          ALLOW_LOOPBACK_FEEDS: 'false',
          SEED_DEFAULT_FEEDS: 'false',
          SEED_DEFAULT_STORY: 'false',
          PUBLIC_BASE_URL: 'https://storywatch.test',
          PUBLIC_HISTORY: 'false',
        },
      },
    }),
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
  },
})
