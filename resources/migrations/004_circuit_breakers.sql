-- circuit breakers per source and their state changes
CREATE TABLE circuit_breakers (
    source     TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
    failures   INTEGER NOT NULL,
    opened_at  TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE circuit_events (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX circuit_events_by_time ON circuit_events(at);
