import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import dockerignore, { type Ignore } from "@balena/dockerignore";
import { create as createTar } from "tar";

// A CommonJS module whose typings declare an ES default export: under NodeNext that is `.default`.
const ignore = (dockerignore as unknown as { default: () => Ignore }).default;

/** The Dockerfile name a `dockerfile_inline` travels under inside the build context. */
export const INLINE_DOCKERFILE = ".slipway.inline.Dockerfile";

/**
 * The build context as the Engine API takes it: a tar of the context directory without what its
 * `.dockerignore` names (the Dockerfile itself always goes), plus an inline Dockerfile when given.
 */
export function buildContextTar(context: string, dockerfile: string, inline?: string): NodeJS.ReadableStream {
  const ignoreFile = join(context, ".dockerignore");
  const rules = ignore().add(existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : "");
  const keep = (path: string) => {
    const relative = path.replace(/^\.\//, "");
    return relative === "." || relative === dockerfile || !rules.ignores(relative);
  };
  const entries = readdirSync(context);
  // An empty context (everything in an inline Dockerfile) is an archive of end blocks only.
  if (entries.length === 0)
    return Readable.from([
      ...(inline === undefined ? [] : [tarEntry(INLINE_DOCKERFILE, inline)]),
      Buffer.alloc(1024),
    ]);
  const tar = createTar({ cwd: context, portable: true, filter: keep }, entries);
  if (inline === undefined) return tar as unknown as NodeJS.ReadableStream;
  return Readable.from(withExtraFile(tar as unknown as AsyncIterable<Buffer>, INLINE_DOCKERFILE, inline));
}

/** Tar header + padded body of one regular file (ustar), for an entry that exists only in memory. */
function tarEntry(name: string, content: string): Buffer {
  const body = Buffer.from(content, "utf8");
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) =>
    header.write(text.slice(0, length), offset, "ascii");
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${body.length.toString(8).padStart(11, "0")}\0`, 124, 12);
  put(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, "0")}\0`,
    136,
    12,
  );
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding]);
}

/** The archive with one more file put in front (the archive's own end blocks stay last). */
async function* withExtraFile(
  tar: AsyncIterable<Buffer>,
  name: string,
  content: string,
): AsyncIterable<Buffer> {
  yield tarEntry(name, content);
  for await (const chunk of tar) yield chunk;
}
