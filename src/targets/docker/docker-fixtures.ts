import type { ConformanceFixtures } from "../conformance/suite.js";
import { processFixtures } from "../process/process-fixtures.js";

/** The local base image the Docker tests build FROM (made by scripts/docker-base-images.sh). */
export const LOCAL_NODE_IMAGE = "slipway-local/node:20";

/** Conformance fixtures for containers: the same shell commands, in an image built FROM the local Node base. */
export const dockerFixtures: ConformanceFixtures = {
  ...processFixtures,
  contextFiles: { Dockerfile: `FROM ${LOCAL_NODE_IMAGE}\n` },
};
