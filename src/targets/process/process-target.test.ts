import { describeTargetConformance } from "../conformance/suite.js";
import { processFixtures } from "./process-fixtures.js";
import { ProcessTarget } from "./process-target.js";

describeTargetConformance("process", (context) => new ProcessTarget(context), processFixtures);
