import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // End-to-end suites spawn servers and CLIs; on a 2-core machine they need headroom.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
