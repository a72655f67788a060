import { describeRouterDriver } from "../driver-suite/suite.js";
import { builtinUnderTest } from "./under-test.js";

describeRouterDriver("builtin", builtinUnderTest);
