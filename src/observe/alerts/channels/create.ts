/** What the engine loads once a manifest names a channel: making channels and reading their credentials. */
export { credentialsOf } from "./channel.js";
export { createChannel } from "./registry.js";
