// Healthcheck for Compose/slipway: exit 0 when the worker is subscribed to Redis, 1 otherwise.
// PORT is the instance's own port (slipway gives each instance one), 3002 by default.
const port = process.env.PORT ?? "3002";
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) console.error(`unhealthy: ${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`unhealthy: ${error.message}`);
  process.exit(1);
}
