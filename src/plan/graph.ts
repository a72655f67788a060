/** A directed graph: each node lists the nodes it depends on (which must start first). */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

/** Plain code-unit ordering: deterministic across locales, unlike localeCompare. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Known, de-duplicated dependencies of a node, sorted so traversal order never depends on input order. */
function knownDeps(graph: DependencyGraph, node: string): string[] {
  const deps = new Set((graph.get(node) ?? []).filter((d) => graph.has(d)));
  return [...deps].sort(byName);
}

/** Start order as levels: every node of level n depends only on nodes of levels < n. Nodes inside a level sorted by name. */
export function startLevels(
  graph: DependencyGraph,
): { readonly levels: readonly (readonly string[])[] } | { readonly cycle: readonly string[] } {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of graph.keys()) {
    const deps = knownDeps(graph, node);
    pending.set(node, deps.length);
    for (const dep of deps) {
      const list = dependents.get(dep);
      if (list) list.push(node);
      else dependents.set(dep, [node]);
    }
  }
  const levels: string[][] = [];
  let current = [...pending].filter(([, n]) => n === 0).map(([node]) => node);
  let placed = 0;
  while (current.length > 0) {
    current.sort(byName);
    levels.push(current);
    placed += current.length;
    const next: string[] = [];
    for (const node of current) {
      for (const dependent of dependents.get(node) ?? []) {
        const left = pending.get(dependent)! - 1;
        pending.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    current = next;
  }
  if (placed === graph.size) return { levels };
  // Kahn leaves nodes behind only when a cycle exists, so findCycle cannot come back empty here.
  return { cycle: findCycle(graph) ?? [] };
}

/** Returns one cycle as the path that closes it, e.g. ["api","worker","api"]; undefined if the graph is acyclic. */
export function findCycle(graph: DependencyGraph): readonly string[] | undefined {
  const done = new Set<string>();
  // Iterative DFS: recursion would overflow the stack on long dependency chains.
  for (const root of [...graph.keys()].sort(byName)) {
    if (done.has(root)) continue;
    const path: string[] = [root];
    const onPath = new Map<string, number>([[root, 0]]);
    const frames: { deps: string[]; next: number }[] = [{ deps: knownDeps(graph, root), next: 0 }];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const dep = frame.deps[frame.next++];
      if (dep === undefined) {
        frames.pop();
        const node = path.pop()!;
        onPath.delete(node);
        done.add(node);
        continue;
      }
      const at = onPath.get(dep);
      // Slice from the repeated node so the lead-in path is not part of the reported loop.
      if (at !== undefined) return [...path.slice(at), dep];
      if (done.has(dep)) continue;
      onPath.set(dep, path.length);
      path.push(dep);
      frames.push({ deps: knownDeps(graph, dep), next: 0 });
    }
  }
  return undefined;
}

/** Edges that point to a node not in the graph, de-duplicated and sorted by `from` then `to`. */
export function danglingEdges(
  graph: DependencyGraph,
): readonly { readonly from: string; readonly to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const [from, deps] of graph) {
    for (const to of new Set(deps)) if (!graph.has(to)) edges.push({ from, to });
  }
  return edges.sort((a, b) => byName(a.from, b.from) || byName(a.to, b.to));
}
