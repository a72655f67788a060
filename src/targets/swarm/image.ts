import type Dockerode from "dockerode";
import { ensureImage } from "../docker/image.js";
import type { InstanceRequest } from "../target.js";

/**
 * The image reference a service's tasks run, by content: built images are built once per build
 * hash (a rollback finds them and builds nothing) and referenced by image id, which tasks on this
 * node run without asking a registry; pulled images by their registry digest when they have one.
 */
export async function serviceImage(docker: Dockerode, request: InstanceRequest): Promise<string> {
  const reference = await ensureImage(docker, request);
  const info = await docker.getImage(reference).inspect();
  const digest = request.spec.build ? undefined : info.RepoDigests?.[0];
  return digest ?? info.Id;
}
