/** The first `[emerg]` of nginx's output, without the `nginx: ` and the timestamp. */
export function firstError(output: string): string {
  const line =
    output.split("\n").find((l) => /\[(emerg|alert|crit)\]/.test(l)) ?? output.split("\n")[0] ?? "";
  return line
    .replace(/^nginx: /, "")
    .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, "")
    .replace(/^(\[\w+\]) \d+#\d+: /, "$1 ");
}

/**
 * nginx retries a failed bind() five times, half a second apart, before it gives the reload up
 * ("still could not bind()"). Until then the reload is not over: a driver that called it refused at
 * the first line sent its next reload into the retries, read their errors as that reload's, and
 * swapped config files back while nginx was still to read them (a refused config went live).
 */
export function retryingBind(errors: string): boolean {
  const lines = errors.split("\n").filter(Boolean);
  return lines.every((line) => /bind\(\) to .* failed/.test(line)) && !/still could not bind/.test(errors);
}
