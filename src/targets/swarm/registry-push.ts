import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import { engineMessage } from "../docker/engine.js";
import { imageRepository } from "../docker/image.js";
import { dockerConfigFile, type RegistryAuth, registryAuth, registryOf } from "../docker/registry-auth.js";

/** What a release image is pushed as: `<registry>/<project>-<service>:<release>`. */
export interface PushTarget {
  /** `x-slipway.registry`: host and optional path (`127.0.0.1:5000/team`). */
  readonly registry: string;
  readonly project: string;
  readonly service: string;
  readonly release: string;
}

/** The repository and tag a release image is pushed under. */
export function pushReference(target: PushTarget): { readonly repository: string; readonly tag: string } {
  return {
    repository: `${target.registry}/${imageRepository(target.project, target.service)}`,
    tag: target.release.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 128),
  };
}

/** An engine push message that means the registry wants a login it did not get (or refused the one it got). */
const AUTH_REFUSED =
  /unauthori[sz]ed|authentication required|no basic auth credentials|access.*denied|denied:/i;

/** Hides a login's secret in text that may quote it (an engine message never should; this makes sure). */
function withoutSecret(text: string, auth: RegistryAuth | undefined): string {
  if (!auth?.password) return text;
  return text.split(auth.password).join("***");
}

/** The digest the registry already holds for `repository:tag`, when it is one of the local image's. */
async function alreadyPushed(
  docker: Dockerode,
  image: Dockerode.ImageInspectInfo,
  repository: string,
  tag: string,
  auth: RegistryAuth | undefined,
): Promise<string | undefined> {
  const known = (image.RepoDigests ?? []).filter((d) => d.startsWith(`${repository}@`));
  if (known.length === 0) return undefined;
  const found = (await docker
    .getImage(`${repository}:${tag}`)
    .distribution(auth ? { authconfig: auth } : {})
    .catch(() => undefined)) as { Descriptor?: { digest?: string } } | undefined;
  const digest = found?.Descriptor?.digest;
  return digest && known.includes(`${repository}@${digest}`) ? digest : undefined;
}

/** Runs the push stream to its end; resolves with the digest the registry reported. */
function followPush(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onLayer: (done: number, total: number) => void,
): Promise<string | undefined> {
  const layers = new Map<string, boolean>();
  let digest: string | undefined;
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve(digest)),
      (event: { id?: string; status?: string; error?: string; aux?: { Digest?: string } }) => {
        if (event.error) reject(new Error(event.error));
        if (event.aux?.Digest) digest = event.aux.Digest;
        if (!event.id || !event.status || event.aux) return;
        const finished = /^(Pushed|Layer already exists|Mounted from)/.test(event.status);
        if (layers.get(event.id) === finished) return;
        layers.set(event.id, finished);
        if (finished) onLayer([...layers.values()].filter(Boolean).length, layers.size);
      },
    );
  });
}

/** The coded error of a refused push: a login problem (never quoting the login) or the registry's reason. */
function pushFailure(cause: unknown, reference: string, auth: RegistryAuth | undefined): SlipwayError {
  const host = registryOf(reference) ?? reference;
  const reason = withoutSecret(engineMessage(cause), auth);
  if (AUTH_REFUSED.test(reason))
    return new SlipwayError(
      {
        code: "E_SWARM_REGISTRY_AUTH",
        message: auth
          ? `the registry ${host} refused the login the Docker config has for it (${reason})`
          : `the registry ${host} asks for a login, and the Docker config (${dockerConfigFile()}) has none for it (${reason})`,
        hint: `run \`docker login ${host}\` as the user the agent runs as (or set DOCKER_CONFIG); the previous release keeps running`,
      },
      { cause },
    );
  return new SlipwayError(
    {
      code: "E_SWARM_PUSH",
      message: `pushing ${reference} failed: ${reason}`,
      hint: "check that the registry answers and accepts pushes (`x-slipway.registry`); the previous release keeps running",
    },
    { cause },
  );
}

/**
 * Pushes a release image to `x-slipway.registry` before the update: tagged
 * `<registry>/<project>-<service>:<release>` (one tag per release), pushed with the login from the
 * Docker config (`X-Registry-Auth`), and returned as `repository@sha256:…` so every node pulls
 * exactly that image. A tag the registry already holds with this image's digest is not pushed
 * again (a rollback). `onProgress` hears what happens, never a credential.
 */
export async function pushReleaseImage(
  docker: Dockerode,
  imageId: string,
  target: PushTarget,
  onProgress: (detail: string) => void,
): Promise<string> {
  const { repository, tag } = pushReference(target);
  const reference = `${repository}:${tag}`;
  const auth = await registryAuth(repository);
  try {
    await docker.getImage(imageId).tag({ repo: repository, tag });
    const before = await docker.getImage(imageId).inspect();
    const known = await alreadyPushed(docker, before, repository, tag, auth);
    if (known) {
      onProgress(`${reference} is in the registry already (${known.slice(0, 19)}…)`);
      return `${repository}@${known}`;
    }
    onProgress(`pushing ${reference}`);
    const stream = await docker.getImage(repository).push({ tag, ...(auth ? { authconfig: auth } : {}) });
    let digest = await followPush(docker, stream, (done, total) =>
      onProgress(`pushing ${reference}: ${done} of ${total} layers pushed`),
    );
    if (!digest) {
      const after = await docker.getImage(imageId).inspect();
      digest = after.RepoDigests?.find((d) => d.startsWith(`${repository}@`))?.split("@")[1];
    }
    if (!digest) throw new Error("the registry reported no digest for the pushed image");
    onProgress(`pushed ${reference} (${digest.slice(0, 19)}…)`);
    return `${repository}@${digest}`;
  } catch (cause) {
    throw pushFailure(cause, reference, auth);
  }
}
