-- Players register through the mini-app (POST /api/players) or the bot's /start command.
CREATE TABLE players (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  telegram_id bigint UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX players_created_at_idx ON players (created_at DESC);
