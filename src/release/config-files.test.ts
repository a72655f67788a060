import { describe, expect, it } from "vitest";
import { configFiles } from "./config-files.js";

describe("configFiles", () => {
  const app = {
    configs: {
      nginx: { content: "worker_processes 1;\n" },
      motd: { content: "hi" },
      shared: { external: true },
    },
  } as never;

  it("gives each grant its content at its target, /<name> by default, mode 0444 unless set", () => {
    const service = {
      configs: [
        { source: "nginx", target: "/etc/nginx/nginx.conf", mode: 0o440, uid: "101", gid: "101" },
        { source: "motd" },
      ],
    };
    expect(configFiles(app, service).files).toEqual([
      {
        name: "nginx",
        target: "/etc/nginx/nginx.conf",
        content: "worker_processes 1;\n",
        mode: 0o440,
        uid: 101,
        gid: 101,
      },
      { name: "motd", target: "/motd", content: "hi", mode: 0o444, uid: undefined, gid: undefined },
    ]);
  });

  it("says which grants it cannot deliver (external, or no content) instead of skipping them silently", () => {
    const { files, undelivered } = configFiles(app, { configs: [{ source: "shared" }, { source: "gone" }] });
    expect(files).toEqual([]);
    expect(undelivered.map((u) => u.name)).toEqual(["shared", "gone"]);
  });
});
