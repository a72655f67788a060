import type { TimedLine } from "./timeline.js";

/** Six ANSI colours that read on dark and light terminals; a service keeps its colour in one run. */
const COLOURS = [36, 33, 32, 35, 34, 31];

/** Prints lines as `api.r7.0 | text` (coloured by service on a terminal) or as JSON lines. */
export class LogPrinter {
  private readonly colours = new Map<string, number>();

  constructor(
    private readonly options: { readonly json: boolean; readonly colour: boolean; readonly width: number },
  ) {}

  format(line: TimedLine): string {
    if (this.options.json)
      return `${JSON.stringify({ ts: new Date(line.ts).toISOString(), service: line.service, instance: line.instance, stream: line.stream, line: line.line })}\n`;
    const prefix = `${line.instance.padEnd(this.options.width)} |`;
    return `${this.options.colour ? `\x1b[${this.colourOf(line.service)}m${prefix}\x1b[0m` : prefix} ${line.line}\n`;
  }

  private colourOf(service: string): number {
    const known = this.colours.get(service);
    if (known !== undefined) return known;
    const colour = COLOURS[this.colours.size % COLOURS.length]!;
    this.colours.set(service, colour);
    return colour;
  }
}
