import { DEFAULT_PATH, resolveExecutable } from "../../host/executables.js";
import type { HostTools } from "./launch-command.js";

function findOnAgentPath(name: string): string | undefined {
  const lookup = resolveExecutable(name, `${process.env.PATH ?? ""}:${DEFAULT_PATH}`, "/");
  return lookup.found ? lookup.path : undefined;
}

/** Locates unshare, mount and setpriv once, on the agent's PATH (instances may have another PATH). */
export function findHostTools(): HostTools {
  return {
    unshare: findOnAgentPath("unshare"),
    mount: findOnAgentPath("mount"),
    setpriv: findOnAgentPath("setpriv"),
  };
}

export function agentIsRoot(): boolean {
  return process.getuid?.() === 0;
}
