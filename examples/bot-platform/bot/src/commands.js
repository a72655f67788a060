// What the bot answers. /start registers the Telegram user as a player through the API, /stats
// shows the platform's numbers; anything else gets the list of commands.
const HELP = "I know these commands:\n/start - join the game\n/stats - players and moves so far";
const API_DOWN = "Sorry, the game server is not answering right now. Please try again in a minute.";

async function apiCall(apiUrl, path, init = {}) {
  const response = await fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`API ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** `/start@MyBot payload` → { command: "start", args: "payload" }; undefined for plain text. */
export function parseCommand(text) {
  const match = /^\/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1].toLowerCase(), args: match[2] ?? "" } : undefined;
}

function displayName(user) {
  const name = [user?.first_name, user?.last_name].filter(Boolean).join(" ") || user?.username || "player";
  return name.slice(0, 64);
}

/**
 * Handles one Telegram update. Returns what was sent, or undefined for updates the bot ignores.
 * Throws only when the reply could not be sent (the webhook then answers 502 and Telegram retries).
 */
export async function handleUpdate(update, { apiUrl, telegram, miniAppUrl, log }) {
  const message = update.message ?? update.edited_message;
  if (typeof message?.text !== "string" || !message.chat) return undefined;
  const parsed = parseCommand(message.text);
  let text;
  let extra = {};
  try {
    if (parsed?.command === "start") {
      const player = await apiCall(apiUrl, "/api/players", {
        method: "POST",
        body: JSON.stringify({ name: displayName(message.from), telegramId: message.from?.id }),
      });
      text = `Welcome, ${player.name}! You are player #${player.id}.`;
      if (miniAppUrl) {
        text += " Tap Play to open the game.";
        extra = { reply_markup: { inline_keyboard: [[{ text: "Play", web_app: { url: miniAppUrl } }]] } };
      }
    } else if (parsed?.command === "stats") {
      const stats = await apiCall(apiUrl, "/api/stats");
      text = `Players: ${stats.players}\nMoves: ${stats.moves}\nGames: ${stats.games}`;
    } else {
      text = HELP;
    }
  } catch (error) {
    log("warn", "API call failed", { command: parsed?.command, error: error.message });
    text = API_DOWN;
  }
  await telegram.sendMessage(message.chat.id, text, { reply_to_message_id: message.message_id, ...extra });
  return { chatId: message.chat.id, command: parsed?.command ?? null, text };
}
