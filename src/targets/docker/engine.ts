import Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";

/** Where the engine is, as a person reads it: DOCKER_HOST, or Docker's default socket. */
export const engineAddress = (): string => process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";

/** A client of the engine DOCKER_HOST names (the Docker CLI's rule; its default socket otherwise). */
export function connectEngine(): Dockerode {
  return new Dockerode();
}

/** Asks the engine whether it is there: E_DOCKER_UNAVAILABLE, saying how to start one, when it does not answer. */
export async function requireEngine(docker: Dockerode): Promise<void> {
  try {
    await docker.ping();
  } catch (cause) {
    throw new SlipwayError(
      {
        code: "E_DOCKER_UNAVAILABLE",
        message: `no Docker engine answers at ${engineAddress()}: ${(cause as Error).message}`,
        hint: "start one (`systemctl start docker`, or `dockerd` as root), or point DOCKER_HOST at a running engine; the docker target needs it",
      },
      { cause },
    );
  }
}

/** The HTTP status of an Engine API error (404: no such container or image). */
export const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

/** The engine's own message from an API error, without dockerode's prefix. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? (error as Error).message;
}
