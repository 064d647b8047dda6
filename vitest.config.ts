import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real brokers and ffmpeg; two cores, so keep parallelism modest.
    fileParallelism: true,
    maxWorkers: 2
  }
})
