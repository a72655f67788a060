import { createInterface } from "node:readline/promises";
import { InputError, SlipwayError } from "../errors.js";

/**
 * Asks before something that replaces data. `--yes` skips the question; without a terminal to ask
 * on (scripts, CI) the command is refused with `E_CONFIRMATION_REQUIRED` and nothing is changed.
 */
export async function confirmOrRefuse(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new InputError({
      code: "E_CONFIRMATION_REQUIRED",
      message: `${question} — refused: there is no terminal to confirm on`,
      hint: "pass --yes to confirm",
    });
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      throw new SlipwayError({ code: "E_CANCELLED", message: "cancelled; nothing was changed" });
    }
  } finally {
    prompt.close();
  }
}
