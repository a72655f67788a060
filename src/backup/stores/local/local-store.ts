import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, type Dirent } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { asBackupError, BackupError } from "../../errors.js";
import { type BackupStore, checkKey, checkPrefix, type StoredObject } from "../../store.js";

/**
 * Backups as files under one directory. Writes go to a hidden temporary file that is fsynced and
 * then renamed over the key, so a reader never sees half an object.
 */
export class LocalStore implements BackupStore {
  readonly description: string;

  constructor(readonly dir: string) {
    this.description = `local ${dir}`;
  }

  async put(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    const temp = join(dirname(path), `.${key.split("/").pop()}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(body, createWriteStream(temp, { mode: 0o600 }));
      await fsync(temp);
      await rename(temp, path);
      await fsync(dirname(path));
    } catch (error) {
      body.destroy();
      await rm(temp, { force: true }).catch(() => {});
      throw asBackupError(error, "E_BACKUP_UPLOAD", `writing ${key} to ${this.description} failed`);
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    const stream = createReadStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") {
        throw new BackupError("E_BACKUP_NOT_FOUND", `${this.description} has no object ${key}`);
      }
      throw asBackupError(error, "E_BACKUP_STORE", `reading ${key} from ${this.description} failed`);
    });
    return stream;
  }

  async localFile(key: string): Promise<string | undefined> {
    return (await this.head(key)) ? this.pathOf(key) : undefined;
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size, modifiedAt: info.mtime } : undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw asBackupError(error, "E_BACKUP_STORE", `reading ${key} from ${this.description} failed`);
    }
  }

  async list(prefix: string): Promise<readonly StoredObject[]> {
    checkPrefix(prefix);
    // Walk only the deepest directory the prefix names fully, then filter by the rest.
    const start = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const found: StoredObject[] = [];
    await this.walk(join(this.dir, start), prefix, found);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (error) {
      throw asBackupError(error, "E_BACKUP_STORE", `deleting ${key} from ${this.description} failed`);
    }
  }

  private pathOf(key: string): string {
    return join(this.dir, ...checkKey(key).split("/"));
  }

  private async walk(dir: string, prefix: string, found: StoredObject[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return;
      throw asBackupError(error, "E_BACKUP_STORE", `listing ${this.description} failed`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue; // temporary files of writes in progress
      const path = join(dir, entry.name);
      const key = relative(this.dir, path).split(sep).join("/");
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`))
          await this.walk(path, prefix, found);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(path);
        found.push({ key, size: info.size, modifiedAt: info.mtime });
      }
    }
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
