// Tic-tac-toe rules, as pure functions. The state is what the Redis hash `game:<id>` holds:
// board is 9 characters ("." empty, "x", "o"), x and o are player names, last_seq the number of the
// last move applied (accepted or rejected).
const LINES = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export function newGame() {
  return { board: ".........", x: "", o: "", turn: "x", status: "waiting", winner: "", last_seq: 0 };
}

/** The state from the Redis hash (a new game when the hash is empty). */
export function fromHash(hash) {
  if (!hash.board) return newGame();
  return { ...newGame(), ...hash, last_seq: Number(hash.last_seq ?? 0) };
}

/**
 * Applies one move `{ player, cell }` with sequence number `seq`. Returns the new state and, when the
 * move breaks a rule, why it was rejected (the state then only records that the move was seen).
 * The first player to move plays x, the second o.
 */
export function applyMove(state, move, seq) {
  const next = { ...state, last_seq: seq };
  const reject = (reason) => ({ state: next, rejected: reason });
  if (state.status === "won" || state.status === "draw") return reject("the game is over");
  if (!Number.isInteger(move.cell) || move.cell < 0 || move.cell > 8) return reject("no such cell");

  if (!next.x) next.x = move.player;
  else if (!next.o && move.player !== next.x) next.o = move.player;
  const mark = move.player === next.x ? "x" : move.player === next.o ? "o" : null;
  if (!mark) return reject(`the game already has two players (${next.x} and ${next.o})`);
  if (mark !== state.turn) return reject(`it is ${state.turn}'s turn`);
  if (state.board[move.cell] !== ".") return reject(`cell ${move.cell} is taken`);

  const board = [...state.board];
  board[move.cell] = mark;
  next.board = board.join("");
  if (LINES.some((line) => line.every((cell) => board[cell] === mark))) {
    next.status = "won";
    next.winner = move.player;
  } else if (!board.includes(".")) {
    next.status = "draw";
  } else {
    next.turn = mark === "x" ? "o" : "x";
    next.status = next.o ? "playing" : "waiting";
  }
  return { state: next };
}

/** The state as the JSON the API and the WebSocket clients see. */
export function toJson(gameId, state) {
  return {
    gameId,
    board: [...state.board].map((cell) => (cell === "." ? null : cell)),
    players: { x: state.x || null, o: state.o || null },
    turn: state.turn,
    status: state.status,
    winner: state.winner || null,
    lastSeq: state.last_seq,
    updatedAt: state.updated_at ?? null,
  };
}
