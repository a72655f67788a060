import { SlipwayError } from "../errors.js";

/** Raised by the state store: a refused schema version, a deploy already running, a record that is missing. */
export class StateError extends SlipwayError {}
