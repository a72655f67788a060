import type Dockerode from "dockerode";
import { SlipwayError } from "../../errors.js";
import type { InstanceRequest } from "../target.js";
import { buildContextTar, INLINE_DOCKERFILE } from "./build-context.js";
import { engineMessage, statusOf } from "./engine.js";
import { LABEL } from "./labels.js";
import { registryAuth } from "./registry-auth.js";

interface BuildSpec {
  readonly context: string;
  readonly dockerfile?: string | undefined;
  readonly dockerfile_inline?: string | undefined;
  readonly args: Readonly<Record<string, string | null>>;
  readonly target?: string | undefined;
  readonly labels?: Readonly<Record<string, string | null>> | undefined;
}

/** Image tags allow `[A-Za-z0-9_.-]`, at most 128 characters. */
const tagSafe = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 128);

/** `<project>-<service>`, lower-cased as repository names must be. */
export const imageRepository = (project: string, service: string): string =>
  `${project}-${service}`.toLowerCase().replace(/[^a-z0-9_.-]/g, "-");

/** The tag of a built service's image: one per build input hash, so a rollback or an env change reuses it. */
export const buildTag = (request: InstanceRequest): string =>
  `${imageRepository(request.project, request.service)}:${tagSafe(request.artifact.buildHash ?? request.artifact.hash)}`;

async function exists(docker: Dockerode, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** Runs an Engine progress stream to its end; rejects with the stream's own error message. */
function follow(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: { stream?: string; status?: string; error?: string }) => {
        if (event.error) reject(new Error(event.error));
        const line = (event.stream ?? event.status ?? "").trim();
        if (line) onLine(line);
      },
    );
  });
}

async function build(docker: Dockerode, request: InstanceRequest, tag: string): Promise<void> {
  // The short form (`build: ./dir`) has only context and dockerfile: read every field as optional.
  const spec: BuildSpec = request.spec.build!;
  const dockerfile =
    spec.dockerfile_inline === undefined ? (spec.dockerfile ?? "Dockerfile") : INLINE_DOCKERFILE;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.labels ?? {})) labels[key] = value ?? "";
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.args)) if (value !== null) args[key] = value;
  const output: string[] = [];
  // The release's frozen copy of the context when it has one: a rollback builds what it was made from.
  const context = request.artifact.appDir ?? spec.context;
  try {
    const stream = await docker.buildImage(buildContextTar(context, dockerfile, spec.dockerfile_inline), {
      t: tag,
      dockerfile,
      buildargs: args,
      target: spec.target,
      labels: { ...labels, [LABEL.project]: request.project, [LABEL.service]: request.service },
      // The engine has no bridge here; RUN steps share the host's network like the containers do.
      networkmode: "host",
      rm: true,
      forcerm: true,
    });
    await follow(docker, stream, (line) => output.push(line));
  } catch (cause) {
    throw new SlipwayError(
      {
        code: "E_BUILD_FAILED",
        message: `building the image of ${request.service} failed: ${engineMessage(cause)}\n${output.slice(-10).join("\n")}`,
        hint: `fix the Dockerfile or the build context (${context})`,
      },
      { cause },
    );
  }
}

/** Built images kept per service: older ones are removed (a rollback to one rebuilds it from the release's frozen context). */
const KEEP_BUILT_IMAGES = 5;

/** Removes a service's built images beyond the newest few; an image a container still uses stays. */
async function pruneBuilt(docker: Dockerode, repository: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [repository] } });
  // Newest first; images built within one second (Created has second resolution) by their release number.
  const releaseOf = (image: { RepoTags?: string[] | null }) =>
    Math.max(0, ...(image.RepoTags ?? []).map((tag) => Number(/:r(\d+)$/.exec(tag)?.[1] ?? 0)));
  const old = images
    .sort((a, b) => b.Created - a.Created || releaseOf(b) - releaseOf(a))
    .slice(KEEP_BUILT_IMAGES);
  // By tag: the last tag's removal deletes the image, unless a container still uses it (then it stays).
  const tags = old.flatMap((image) =>
    (image.RepoTags ?? []).filter((tag) => tag.startsWith(`${repository}:`)),
  );
  for (const tag of tags)
    await docker
      .getImage(tag)
      .remove()
      .catch(() => {});
}

async function pull(docker: Dockerode, image: string, service: string): Promise<void> {
  try {
    const authconfig = await registryAuth(image);
    await follow(docker, await docker.pull(image, authconfig ? { authconfig } : {}), () => {});
  } catch (cause) {
    throw new SlipwayError(
      {
        code: "E_DOCKER_PULL",
        message: `pulling ${image} for ${service} failed: ${engineMessage(cause)}`,
        hint: "check the image name and the registry login (`docker login`), or build it locally and set pull_policy: never",
      },
      { cause },
    );
  }
}

/**
 * The image an instance runs, made ready: a built service's image is built once per build hash
 * (`<project>-<service>:<buildHash>`) and tagged with the release too; `image` is used as given,
 * pulled as `pull_policy` says. Resolves to the image reference to create the container from.
 */
export async function ensureImage(docker: Dockerode, request: InstanceRequest): Promise<string> {
  const { spec } = request;
  if (spec.build) {
    const tag = buildTag(request);
    const repository = imageRepository(request.project, request.service);
    const built = !(await exists(docker, tag));
    if (built) await build(docker, request, tag);
    await docker.getImage(tag).tag({ repo: repository, tag: tagSafe(request.release) });
    if (built) await pruneBuilt(docker, repository);
    return tag;
  }
  const image = spec.image!;
  const policy = spec.pull_policy ?? "missing";
  if (
    policy === "always" ||
    ((policy === "missing" || policy === "if_not_present") && !(await exists(docker, image)))
  )
    await pull(docker, image, request.service);
  else if (!(await exists(docker, image)))
    throw new SlipwayError({
      code: "E_DOCKER_IMAGE_MISSING",
      message: `${request.service} runs ${image}, which the engine does not have, and pull_policy is ${policy}`,
      hint: "build or load the image into the engine, or set pull_policy: missing",
    });
  return image;
}
