/** Where the nginx instance keeps its files; all absolute. */
export interface NginxPaths {
  /** nginx's `-p` prefix directory. */
  readonly prefix: string;
  readonly pidFile: string;
  readonly accessLog: string;
  readonly errorLog: string;
  /** Parent of the request body and proxy buffer directories. */
  readonly tempDir: string;
}
