/** One JSON object per line on stdout (stderr for errors), which every log collector understands. */
export function log(level, message, fields = {}) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, service: "api", message, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
