import { createServer } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import type { SlipwayError } from "../errors.js";
import { freePort } from "../network/ports.js";
import { openTestState } from "../state/test-support.js";
import { Observer } from "./observer.js";

function observer() {
  const errors: SlipwayError[] = [];
  const store = openTestState();
  const o = new Observer(
    {
      store,
      projects: () => [],
      cronOf: () => undefined,
      backups: async () => [],
      certificates: async () => [],
    },
    (error) => errors.push(error),
  );
  onTestFinished(() => o.stop());
  return { o, errors };
}

describe("the metrics endpoint", () => {
  it("serves /metrics where asked, moves when the address changes, and stops", async () => {
    const { o, errors } = observer();
    const [a, b] = [await freePort(), await freePort()];
    await o.serveAt(`127.0.0.1:${a}`);
    const scrape = await fetch(`http://127.0.0.1:${a}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get("content-type")).toContain("text/plain");
    expect(await scrape.text()).toContain("# TYPE slipway_deploys_total counter");
    expect((await fetch(`http://127.0.0.1:${a}/`)).status).toBe(404);
    await o.serveAt(`127.0.0.1:${b}`);
    expect((await fetch(`http://127.0.0.1:${b}/metrics`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${a}/metrics`)).rejects.toThrow();
    await o.serveAt(undefined);
    await expect(fetch(`http://127.0.0.1:${b}/metrics`)).rejects.toThrow();
    expect(errors).toEqual([]);
  });

  it("reports an address in use instead of failing, and tries again at the next sync", async () => {
    const { o, errors } = observer();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    await o.serveAt(`127.0.0.1:${port}`);
    expect(errors.map((e) => e.code)).toEqual(["E_OBSERVE_LISTEN"]);
    expect(errors[0]!.message).toContain(`metrics cannot listen on 127.0.0.1:${port}`);
    await new Promise((resolve) => busy.close(resolve));
    await o.serveAt(`127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
  });
});
