// Healthcheck for docker compose: exit 0 when serve.js answers and dist/ is built, 1 otherwise.
// PORT is the instance's own port (slipway gives each instance one), 8000 by default.
const port = process.env.PORT ?? "8000";
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`unhealthy: ${error.message}`);
  process.exit(1);
}
