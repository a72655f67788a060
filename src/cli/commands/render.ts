import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { addManifestOptions, loadProject, type ManifestFlags } from "../manifest-options.js";
import type { Output } from "../report.js";

interface RenderFlags extends ManifestFlags {
  readonly target: string;
  readonly output?: string;
  readonly includeSecretValues?: boolean;
}

export function registerRender(program: Command, output: Output): void {
  addManifestOptions(
    program
      .command("render")
      .description(
        "write the objects a release becomes on a target, for kubectl or GitOps (changes nothing)",
      ),
  )
    .option("--target <target>", "the target to render for (only kubernetes renders)", "kubernetes")
    .option("-o, --output <dir>", "write one YAML file per object into this directory (default: stdout)")
    .option(
      "--include-secret-values",
      "write secret values into Secret objects (default: reference existing Secrets)",
    )
    .action(async (flags: RenderFlags) => {
      if (flags.target !== "kubernetes")
        throw new InputError({
          code: "E_K8S_NOT_KUBERNETES",
          message: `render writes objects for the kubernetes target, not "${flags.target}"`,
          hint: "use --target kubernetes; `slipway plan` shows what the other targets would do",
        });
      const { spec } = await loadProject(flags, output);
      const [{ renderKubernetes }, { validateObjects }, { objectsYaml, writeObjectFiles }] =
        await Promise.all([
          import("../../targets/kubernetes/render/render.js"),
          import("../../targets/kubernetes/validate.js"),
          import("../../targets/kubernetes/render/yaml.js"),
        ]);
      const rendered = renderKubernetes(spec, { includeSecretValues: flags.includeSecretValues ?? false });
      await validateObjects(rendered.objects);
      const { release, objects, warnings } = rendered;
      if (!flags.json) for (const warning of warnings) output.stderr(`warning: ${warning}\n`);
      if (flags.output) {
        const files = writeObjectFiles(flags.output, objects);
        output.stdout(
          flags.json
            ? `${JSON.stringify({ release: release.id, directory: flags.output, files, warnings })}\n`
            : `wrote ${files.length} objects of release ${release.id} to ${flags.output}\n`,
        );
      } else if (flags.json) output.stdout(`${JSON.stringify({ release: release.id, objects, warnings })}\n`);
      else output.stdout(objectsYaml(objects));
    });
}
