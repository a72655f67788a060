// Builds the mini-app into dist/ without a bundler: every asset of src/ is copied under a name with
// a content hash (app.3f9c2a1b7d.js), index.html is rewritten to those names, and each file gets a
// gzip twin (app.3f9c2a1b7d.js.gz) that the router or serve.js sends to browsers that accept gzip.
// Hashed names can be cached forever; index.html is the only file that must be revalidated.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { constants, gzipSync } from "node:zlib";

const SRC = join(import.meta.dirname, "src");
const DIST = join(import.meta.dirname, "dist");
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);

await rm(DIST, { recursive: true, force: true });
await mkdir(DIST, { recursive: true });

const renamed = new Map();
for (const name of await readdir(SRC)) {
  if (name === "index.html") continue;
  const content = await readFile(join(SRC, name));
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 10);
  const ext = extname(name);
  const hashed = `${name.slice(0, -ext.length)}.${hash}${ext}`;
  await writeFile(join(DIST, hashed), content);
  renamed.set(name, hashed);
}

const html = (await readFile(join(SRC, "index.html"), "utf8")).replace(
  /\b(src|href)="(?:\.\/)?([^"/:]+)"/g,
  (whole, attribute, file) => (renamed.has(file) ? `${attribute}="${renamed.get(file)}"` : whole),
);
await writeFile(join(DIST, "index.html"), html);

for (const name of await readdir(DIST)) {
  const content = await readFile(join(DIST, name));
  let line = `dist/${name} ${content.length} B`;
  if (COMPRESSIBLE.has(extname(name))) {
    const gzipped = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
    if (gzipped.length < content.length) {
      await writeFile(join(DIST, `${name}.gz`), gzipped);
      line += `, ${gzipped.length} B gzipped`;
    }
  }
  console.log(line);
}
