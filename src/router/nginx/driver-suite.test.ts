import { describeRouterDriver } from "../driver-suite/suite.js";
import { runningMaster, workerPids } from "./master.js";
import { nginxInstance } from "./test-support.js";

describeRouterDriver("nginx", async () => {
  const instance = nginxInstance();
  return {
    driver: instance.driver,
    kill: () => {
      const master = runningMaster(instance.driver.paths.pidFile);
      if (master === undefined) return;
      for (const pid of [master, ...workerPids(master, "all")]) process.kill(pid, "SIGKILL");
    },
    cleanup: () => instance.cleanup(),
  };
});
