import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withProjectName } from "./project-name.js";

describe("withProjectName", () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-project-name-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const named = join(dir, "named.yaml");
  const unnamed = join(dir, "unnamed.yaml");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolation, not a JS template
  writeFileSync(named, "name: from-file-${SUFFIX}\nservices: {}\n");
  writeFileSync(unnamed, "services: {}\n");
  const env: Record<string, string> = { SUFFIX: "x", OTHER: "o" };

  it.each([
    ["-p wins", "flag", { COMPOSE_PROJECT_NAME: "env" }, [named], "flag"],
    ["then the variable", undefined, { COMPOSE_PROJECT_NAME: "env" }, [named], "env"],
    ["then the files' name:, interpolated", undefined, {}, [named], "from-file-x"],
    ["then the directory", undefined, {}, [unnamed], "my_project"],
  ])("%s", (_, projectName, extra, files, expected) => {
    const vars: Record<string, string> = { ...env, ...extra };
    const lookup = withProjectName((name) => vars[name], {
      projectName,
      files,
      projectDirectory: "/srv/My_Project",
    });
    expect(lookup("COMPOSE_PROJECT_NAME")).toBe(expected);
    expect(lookup("OTHER")).toBe("o");
  });
});
