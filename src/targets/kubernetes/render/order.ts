import type { AppSpec } from "../../../manifest/model.js";
import { kubeName } from "./names.js";

/**
 * The services in start levels, as the deploy engine orders them: each service after everything it
 * `depends_on`. A deploy runs a level's migration Jobs, then rolls out its workloads, before the next
 * level: a migration finds the database it needs, and a service its finished migration. Names are the
 * objects' `app.kubernetes.io/name`. (A dependency loop is refused when the manifest loads.)
 */
export function startLevels(app: AppSpec): string[][] {
  const level = new Map<string, number>();
  const levelOf = (name: string, seen: ReadonlySet<string>): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const service = app.services[name];
    if (!service || seen.has(name)) return 0;
    const deps = Object.keys(service.depends_on).filter((dep) => app.services[dep]);
    const value = 1 + Math.max(0, ...deps.map((dep) => levelOf(dep, new Set([...seen, name]))));
    level.set(name, value);
    return value;
  };
  const names = Object.keys(app.services).sort();
  for (const name of names) levelOf(name, new Set());
  const depth = Math.max(0, ...level.values());
  return Array.from({ length: depth }, (_, i) =>
    names.filter((name) => level.get(name) === i + 1).map((name) => kubeName(name)),
  );
}
