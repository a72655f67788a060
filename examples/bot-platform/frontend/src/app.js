// The mini-app. Talks to the API on its own origin: /api/players to join and list players,
// /api/games/:id/moves to play, and the WebSocket /ws for live game states from the runtime worker.
// Opened inside Telegram (the launch parameters arrive in the URL fragment), it loads Telegram's
// WebApp script and takes the player's name from the Telegram account.
const $ = (id) => document.getElementById(id);
const PLAYER_KEY = "bot-platform.player";

let player = JSON.parse(localStorage.getItem(PLAYER_KEY) ?? "null");
let gameId = new URLSearchParams(location.search).get("game") || "lobby";
let game = null;
let socket = null;

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { "content-type": "application/json", ...options.headers },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function say(text) {
  $("status").textContent = text;
}

// --- Telegram ---------------------------------------------------------------------------------

function loadTelegram() {
  if (!location.hash.includes("tgWebAppData")) return Promise.resolve(null);
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "https://telegram.org/js/telegram-web-app.js";
    script.onload = () => {
      const webApp = window.Telegram?.WebApp ?? null;
      webApp?.ready();
      webApp?.expand();
      resolve(webApp);
    };
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
}

// --- players ----------------------------------------------------------------------------------

function showPlayer() {
  $("join-form").hidden = Boolean(player);
  $("me").hidden = !player;
  if (player) $("me").textContent = `You are ${player.name} (player #${player.id}).`;
}

async function join(name, telegramId) {
  player = await api("/api/players", { method: "POST", body: JSON.stringify({ name, telegramId }) });
  localStorage.setItem(PLAYER_KEY, JSON.stringify(player));
  showPlayer();
  render();
  await loadPlayers();
}

async function loadPlayers() {
  const players = await api("/api/players?limit=20");
  $("players").replaceChildren(
    ...players.map((p) => {
      const item = document.createElement("li");
      item.textContent = p.name;
      return item;
    }),
  );
}

// --- game -------------------------------------------------------------------------------------

function render() {
  const cells = game?.board ?? Array(9).fill(null);
  // Which mark this player has, or would get by moving now (the first mover plays X).
  const { x, o } = game?.players ?? {};
  const name = player?.name;
  const mark = x === name ? "x" : o === name ? "o" : !x ? "x" : !o ? "o" : null;
  const myTurn =
    Boolean(player && game) && (game.status === "waiting" || game.status === "playing") && mark === game.turn;
  $("board").replaceChildren(
    ...cells.map((mark, cell) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = mark ? mark.toUpperCase() : "";
      button.setAttribute("aria-label", `cell ${cell + 1}${mark ? `: ${mark}` : ""}`);
      button.disabled = Boolean(mark) || !myTurn;
      button.addEventListener("click", () => play(cell));
      return button;
    }),
  );
  if (!game) return;
  const names = `${game.players.x ?? "?"} (X) vs ${game.players.o ?? "?"} (O)`;
  if (game.status === "won") say(`${game.winner} won! ${names}`);
  else if (game.status === "draw") say(`Draw. ${names}`);
  else if (!player) say("Join to play.");
  else
    say(myTurn ? `Your move. ${names}` : `Waiting for ${game.players[game.turn] ?? "an opponent"}. ${names}`);
}

async function openGame(id) {
  gameId = id;
  $("game-id").value = id;
  history.replaceState(null, "", `?game=${encodeURIComponent(id)}${location.hash}`);
  game = await api(`/api/games/${encodeURIComponent(id)}`);
  render();
  socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: "subscribe", gameId: id }));
}

async function play(cell) {
  if (!player) return say("Join first.");
  try {
    await api(`/api/games/${encodeURIComponent(gameId)}/moves`, {
      method: "POST",
      body: JSON.stringify({ player: player.name, cell }),
    });
    say("Move sent…");
  } catch (error) {
    say(`Move refused: ${error.message}`);
  }
}

// --- live updates -----------------------------------------------------------------------------

function connect(attempt = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  let keepAlive;
  socket.addEventListener("open", () => {
    attempt = 0;
    $("connection").textContent = "live";
    $("connection").classList.remove("offline");
    socket.send(JSON.stringify({ type: "subscribe", gameId }));
    keepAlive = setInterval(() => socket.send("ping"), 25_000);
  });
  socket.addEventListener("message", ({ data }) => {
    if (data === "pong") return;
    const message = JSON.parse(data);
    if (message.type === "hello") $("version").textContent = message.version;
    if (message.type === "game-state" && message.gameId === gameId) {
      game = message.state;
      render();
      if (message.rejected && message.move.player === player?.name) say(`Move refused: ${message.rejected}`);
    }
  });
  // The server closes with 1001 when an instance stops (a deploy): reconnect to another one.
  socket.addEventListener("close", () => {
    clearInterval(keepAlive);
    $("connection").textContent = "offline";
    $("connection").classList.add("offline");
    setTimeout(() => connect(attempt + 1), Math.min(500 * 2 ** attempt, 10_000));
  });
}

// --- start ------------------------------------------------------------------------------------

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  join($("name").value.trim()).catch((error) => say(`Could not join: ${error.message}`));
});
$("game-form").addEventListener("submit", (event) => {
  event.preventDefault();
  openGame($("game-id").value.trim()).catch((error) => say(error.message));
});
$("new-game").addEventListener("click", () => {
  openGame(Math.random().toString(36).slice(2, 10)).catch((error) => say(error.message));
});

showPlayer();
render();
connect();
openGame(gameId).catch((error) => say(`Cannot load the game: ${error.message}`));
loadPlayers().catch(() => {});
loadTelegram().then((webApp) => {
  const user = webApp?.initDataUnsafe?.user;
  if (user && !player) {
    const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
    join(name || user.username || "player", user.id).catch((error) =>
      say(`Could not join: ${error.message}`),
    );
  }
});
