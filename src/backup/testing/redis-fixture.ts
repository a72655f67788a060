import { createHash } from "node:crypto";
import type { RespClient, RespValue } from "./resp-client.js";

/** Keys the fixture writes: strings, binary strings, hashes, lists, sets, sorted sets, TTLs, two databases. */
export const FIXTURE_KEYS = 1000 + 50 + 200 + 1 + 100 + 100 + 50 + 300 + 40;

/** Fills a server with every common type of value, some with TTLs, in db 0 and db 3. */
export async function fillRedis(client: RespClient): Promise<void> {
  const writes: Promise<RespValue>[] = [];
  const send = (...args: (string | Buffer | number)[]) => writes.push(client.command(...args));
  send("SELECT", 0);
  for (let i = 0; i < 1000; i++) send("SET", `str:${i}`, `value ${i} ${"x".repeat(i % 50)}`);
  for (let i = 0; i < 50; i++)
    send("SET", `bin:${i}`, Buffer.from(Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) % 256)));
  for (let i = 0; i < 200; i++)
    send("HSET", `hash:${i}`, ...Array.from({ length: 20 }, (_, j) => [`f${j}`, `v${i}.${j}`]).flat());
  send("HSET", "hash:big", ...Array.from({ length: 1000 }, (_, j) => [`field-${j}`, "y".repeat(100)]).flat());
  for (let i = 0; i < 100; i++)
    send("RPUSH", `list:${i}`, ...Array.from({ length: 50 }, (_, j) => `item ${i}/${j}`));
  for (let i = 0; i < 100; i++)
    send("SADD", `set:${i}`, ...Array.from({ length: 30 }, (_, j) => `m${(i * j) % 97}`));
  for (let i = 0; i < 50; i++)
    send("ZADD", `zset:${i}`, ...Array.from({ length: 40 }, (_, j) => [j * 1.5, `z${j}`]).flat());
  for (let i = 0; i < 300; i++) send("SET", `session:${i}`, `token-${i}`, "EX", 3600 + i);
  send("SELECT", 3);
  for (let i = 0; i < 20; i++) send("SET", `db3:str:${i}`, `three ${i}`);
  for (let i = 0; i < 20; i++) send("HSET", `db3:hash:${i}`, "a", i, "b", "ttl-less");
  send("EXPIRE", "db3:str:0", 7200);
  send("SELECT", 0);
  await Promise.all(writes);
}

/** A type's value in a canonical form: DUMP itself depends on hash-table iteration order, which a reload changes. */
async function canonicalValue(client: RespClient, key: string, type: string): Promise<Buffer[]> {
  const sorted = (items: RespValue) => (items as Buffer[]).slice().sort(Buffer.compare);
  switch (type) {
    case "string":
      return [(await client.command("GET", key)) as Buffer];
    case "list":
      return (await client.command("LRANGE", key, 0, -1)) as Buffer[];
    case "set":
      return sorted(await client.command("SMEMBERS", key));
    case "zset":
      return (await client.command("ZRANGE", key, 0, -1, "WITHSCORES")) as Buffer[];
    case "hash": {
      const flat = (await client.command("HGETALL", key)) as Buffer[];
      const pairs = Array.from({ length: flat.length / 2 }, (_, i) =>
        Buffer.concat([flat[2 * i] ?? Buffer.alloc(0), Buffer.from([0]), flat[2 * i + 1] ?? Buffer.alloc(0)]),
      );
      return pairs.sort(Buffer.compare);
    }
    default:
      throw new Error(`the fixture has no ${type} values`);
  }
}

/** Every key of databases 0 and 3 with its TYPE, a digest of its value and whether it has a TTL. */
export async function snapshotRedis(client: RespClient): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const db of [0, 3]) {
    await client.command("SELECT", db);
    const keys = ((await client.command("KEYS", "*")) as Buffer[]).map((key) => key.toString());
    await Promise.all(
      keys.map(async (key) => {
        const [type, ttl] = await Promise.all([client.command("TYPE", key), client.command("PTTL", key)]);
        const digest = createHash("sha256");
        for (const part of await canonicalValue(client, key, String(type)))
          digest.update(`${part.length}:`).update(part);
        snapshot[`${db}/${key}`] = `${String(type)} ${digest.digest("hex")} ttl=${(ttl as number) > 0}`;
      }),
    );
  }
  await client.command("SELECT", 0);
  return snapshot;
}
