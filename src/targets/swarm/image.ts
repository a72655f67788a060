import type Dockerode from "dockerode";
import { ensureImage } from "../docker/image.js";
import type { ImagePush } from "../orchestrator.js";
import type { InstanceRequest } from "../target.js";
import { pushReleaseImage } from "./registry-push.js";

/**
 * The image reference a service's tasks run, by content: built images are built once per build
 * hash (a rollback finds them and builds nothing). Without a registry they are referenced by image
 * id, which tasks on this node run without asking a registry; pulled images by their registry
 * digest when they have one. With `x-slipway.registry`, built images (and local images with no
 * registry digest) are pushed there first and run as `repository@sha256:…`, which every node pulls.
 */
export async function serviceImage(
  docker: Dockerode,
  request: InstanceRequest,
  push?: ImagePush,
): Promise<string> {
  const reference = await ensureImage(docker, request);
  const info = await docker.getImage(reference).inspect();
  const digest = request.spec.build ? undefined : info.RepoDigests?.[0];
  if (push && !digest)
    return pushReleaseImage(
      docker,
      info.Id,
      {
        registry: push.registry,
        project: request.project,
        service: request.service,
        release: request.release,
      },
      push.onProgress,
    );
  return digest ?? info.Id;
}
