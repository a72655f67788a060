// Healthcheck for Compose/slipway: exit 0 when this instance is ready (PostgreSQL and Redis answer),
// 1 otherwise. PORT is the instance's own port (slipway gives each instance one), 3000 by default.
const port = process.env.PORT ?? "3000";
try {
  const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) console.error(`not ready: ${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`not ready: ${error.message}`);
  process.exit(1);
}
