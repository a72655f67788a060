import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One Docker engine per run, started on first use by a Docker test and stopped by PID at the end.
    globalSetup: ["test/docker/global-setup.ts"],
    projects: [
      // Unit tests start real servers (PostgreSQL, Redis, nginx, routers) too: give them time on 2 cores.
      { test: { name: "unit", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Deploy tests run whole applications; one retry absorbs a machine that is briefly overloaded.
          retry: 1,
        },
      },
    ],
  },
});
