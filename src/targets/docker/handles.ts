import type { InstanceHandle } from "../target.js";

/** A handle the docker target made: its `startTime` is a full container id. */
export const isContainerHandle = (handle: InstanceHandle): boolean => /^[0-9a-f]{64}$/.test(handle.startTime);
