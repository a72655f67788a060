// Writes dist/BUILD after each build: a running agent from another build is replaced by the CLI.
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../dist/BUILD", import.meta.url), `${Date.now()}-${process.pid}\n`);
