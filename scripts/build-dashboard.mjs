// Builds the web dashboard into dist/dashboard: one bundled script (preact included: nothing is loaded
// from elsewhere, so it works offline), its page and its stylesheet. The agent serves these files.
import { copyFileSync, mkdirSync } from "node:fs";
import { build } from "esbuild";

const source = new URL("../src/dashboard/", import.meta.url);
const out = new URL("../dist/dashboard/", import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [new URL("main.tsx", source).pathname],
  outfile: new URL("app.js", out).pathname,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css"]) copyFileSync(new URL(file, source), new URL(file, out));
