-- One row per run of the analytics job (every 5 minutes).
CREATE TABLE analytics_snapshots (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  taken_at     timestamptz NOT NULL DEFAULT now(),
  player_count integer NOT NULL,
  move_count   bigint NOT NULL,
  game_count   integer NOT NULL
);

CREATE INDEX analytics_snapshots_taken_at_idx ON analytics_snapshots (taken_at DESC);
