import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A request one of the loopback receivers took. */
export interface Received {
  readonly path: string;
  readonly body: unknown;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An HTTP server on loopback that records every POST and answers with `status()` (200 unless the
 * test makes it fail). It stands in for a webhook receiver, a fake Slack incoming webhook and a fake
 * Telegram Bot API (Telegram's and Slack's servers cannot be reached from here).
 */
export class FakeHttpReceiver {
  readonly received: Received[] = [];
  status = 200;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeHttpReceiver> {
    let receiver: FakeHttpReceiver | undefined;
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      receiver!.received.push({ path: req.url ?? "/", body });
      const status = receiver!.status;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status < 300 ? { ok: true } : { ok: false, description: "fake failure" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver = new FakeHttpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A mail one SMTP session delivered. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly data: string;
  readonly user: string | undefined;
  readonly secure: boolean;
}

/** A real SMTP server (the smtp-server library) on loopback that requires STARTTLS and a login. */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(
    tls: { readonly cert: string; readonly key: string },
    password: string,
  ): Promise<SmtpReceiver> {
    let receiver: SmtpReceiver | undefined;
    const server = new SMTPServer({
      cert: tls.cert,
      key: tls.key,
      authMethods: ["PLAIN", "LOGIN"],
      // No AUTH before the connection is upgraded with STARTTLS (allowInsecureAuth false).
      onAuth(auth, _session, callback) {
        if (auth.password === password) callback(null, { user: auth.username });
        else callback(new Error("invalid password"));
      },
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => {
          data += chunk.toString();
        });
        stream.on("end", () => {
          receiver!.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: session.user as string | undefined,
            secure: session.secure,
          });
          callback();
        });
      },
      logger: false,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver = new SmtpReceiver(server, (server.server.address() as AddressInfo).port);
    return receiver;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
