import { constants } from "node:os";

/** A Compose `stop_signal` (`INT`, `SIGINT`, `sigquit`) as a Node signal name; default SIGTERM. */
export function nodeSignal(name: string | undefined): NodeJS.Signals {
  const upper = name?.toUpperCase();
  const normalized = upper && !upper.startsWith("SIG") ? `SIG${upper}` : upper;
  return normalized && normalized in constants.signals ? (normalized as NodeJS.Signals) : "SIGTERM";
}
