/** Kinds of stateful server slipway knows how to run, back up and restore. */
export type DatabaseKind = "postgres" | "redis" | "mysql" | "mongo";

/** Which database an image runs, by its repository name (`postgres:16-alpine` → postgres). */
export function databaseKind(image: string | undefined): DatabaseKind | undefined {
  if (!image) return undefined;
  const repository = imageRepository(image).split("/").pop() ?? "";
  if (/^(postgres|postgis|timescaledb)/.test(repository)) return "postgres";
  if (/^(redis|valkey|keydb)/.test(repository)) return "redis";
  if (/^(mysql|mariadb|percona)/.test(repository)) return "mysql";
  if (/^mongo/.test(repository)) return "mongo";
  return undefined;
}

/** `registry:5000/team/app:1.2@sha256:…` → `registry:5000/team/app`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}

/** The tag of an image reference, undefined when none is written (Docker then uses `latest`). */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return image.split("@")[1];
  const repository = imageRepository(image);
  return image.length > repository.length ? image.slice(repository.length + 1) : undefined;
}

const DEFAULT_PORTS: Record<DatabaseKind, number> = {
  postgres: 5432,
  redis: 6379,
  mysql: 3306,
  mongo: 27017,
};

/** The port an image listens on without being told (its Dockerfile's EXPOSE), for the images slipway knows. */
export function imageDefaultPort(image: string | undefined): number | undefined {
  const kind = databaseKind(image);
  return kind ? DEFAULT_PORTS[kind] : undefined;
}
