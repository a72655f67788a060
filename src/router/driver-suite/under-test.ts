import type { RouterDriver } from "../driver.js";

/** A driver on its own state directory; `cleanup` stops its data plane and removes what it wrote. */
export interface DriverUnderTest {
  readonly driver: RouterDriver;
  /** Kills its data plane's processes with SIGKILL, as a crash would. */
  kill(): void;
  cleanup(): Promise<void>;
}
