import { afterAll } from "vitest";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { imageRepository } from "../../src/targets/docker/image.js";
import type { Sandbox } from "./sandbox.js";

/** The swarm e2e files' app image: the e2e web app on the local node image. */
export const SWARM_DOCKERFILE = `FROM slipway-local/node:20\nCOPY server.mjs /app/server.mjs\nWORKDIR /app\nCMD ["node", "server.mjs"]\n`;

/** Healthy once the app answers on its slot's port (Swarm waits for it before a task counts as running). */
export const SWARM_HEALTHY = `["CMD", "node", "-e", "require('http').get('http://127.0.0.1:'+process.env.PORT,r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]`;

/**
 * Sandboxes whose app builds from `dockerfile`, each project remembered: after the file, its Swarm
 * services are removed from the shared swarm, and the images built for `builtServices`.
 */
export function swarmProjects(
  sandbox: (files: Record<string, string>) => Sandbox,
  dockerfile: string,
  builtServices: readonly string[],
): (files: Record<string, string>) => Sandbox {
  const projects: string[] = [];
  afterAll(async () => {
    const docker = connectEngine();
    for (const project of projects) {
      for (const service of await docker.listServices({
        filters: { label: [`com.docker.compose.project=${project}`] },
      }))
        await docker
          .getService(service.ID)
          .remove()
          .catch(() => {});
      for (const name of builtServices)
        for (const image of await docker.listImages({
          filters: { reference: [imageRepository(project, name)] },
        }))
          await docker
            .getImage(image.Id)
            .remove({ force: true })
            .catch(() => {});
    }
  }, 120_000);
  return (files) => {
    const s = sandbox({ ...files, "app/Dockerfile": dockerfile });
    projects.push(s.project);
    return s;
  };
}
