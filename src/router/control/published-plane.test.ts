import { describe, expect, it } from "vitest";
import { config, httpRoute } from "../http/test-support.js";
import { planeConfigs } from "./published-plane.js";

const published = httpRoute("shop/api/published/127.0.0.1:8080", [], {
  listen: { host: "127.0.0.1", port: 8080 },
});
const routed = httpRoute("shop/web/0", []);

describe("planeConfigs", () => {
  it("gives the builtin driver everything", () => {
    const all = config([published, routed]);
    expect(planeConfigs(all, "builtin")).toEqual({ routes: all, published: undefined });
  });

  it("gives nginx the routes and a builtin router the published ports, without HTTPS", () => {
    const all = config([published, routed], { https: { host: "127.0.0.1", port: 8443 } });
    const planes = planeConfigs(all, "nginx");
    expect(planes.routes?.routes).toEqual([routed]);
    expect(planes.routes?.https).toEqual({ host: "127.0.0.1", port: 8443 });
    expect(planes.published?.routes).toEqual([published]);
    expect(planes.published?.https).toBeUndefined();
    expect(planeConfigs(config([published]), "nginx").routes).toBeUndefined();
    expect(planeConfigs(config([routed]), "nginx").published).toBeUndefined();
  });
});
