/**
 * What a kubernetes deploy reports as it goes: the same shapes as the deploy engine's events
 * (deploy/events.ts), so the CLI prints both alike (`--json`: one JSON line each).
 */
export type KubernetesDeployEvent =
  | {
      readonly type: "deploy.started";
      readonly deployId: number;
      readonly release: string;
      readonly from?: string | undefined;
    }
  | {
      readonly type: "service";
      readonly service: string;
      readonly phase:
        | "migrating"
        | "starting"
        | "healthy"
        | "completed"
        | "failed"
        | "rolled-back"
        | "stopping";
      readonly detail?: string | undefined;
    }
  | { readonly type: "log"; readonly level: "info" | "warning" | "error"; readonly message: string }
  | {
      readonly type: "deploy.finished";
      readonly status: "succeeded" | "failed" | "rolled-back";
      readonly release: string;
      readonly error?:
        | { readonly code: string; readonly message: string; readonly hint?: string | undefined }
        | undefined;
    };

export type Emit = (event: KubernetesDeployEvent) => void;
