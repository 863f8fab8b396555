-- alerts and their history, silences, notifications; daily run statistics and duration histograms for trends; applied processor timeouts
-- Alerting: the state of each alert (one row per rule and labels), every state change and
-- notification (history Alertmanager does not keep), silences with what they suppressed, and
-- the per-processor timeouts the trends suggested and an operator applied.
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    fingerprint      TEXT NOT NULL UNIQUE,      -- rule and labels: the de-duplication key
    rule             TEXT NOT NULL,
    labels           TEXT NOT NULL,             -- JSON object
    group_key        TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
    state            TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    value            REAL,
    summary          TEXT NOT NULL,
    active_since     TEXT NOT NULL,             -- the condition has held since
    fired_at         TEXT,
    resolved_at      TEXT,
    evaluated_at     TEXT NOT NULL,
    notified_at      TEXT,                      -- last notification queued for it
    notifications    INTEGER NOT NULL DEFAULT 0,
    inhibited_by     TEXT,                      -- fingerprint of the firing alert that silences it
    acked_by         TEXT,
    acked_at         TEXT,
    ack_comment      TEXT
);
CREATE INDEX alerts_open ON alerts(state) WHERE state <> 'resolved';

CREATE TABLE alert_events (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts(id),
    at         TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,                   -- pending | firing | resolved | cleared | acked
    value      REAL,
    summary    TEXT NOT NULL
);
CREATE INDEX alert_events_by_time ON alert_events(at);
CREATE INDEX alert_events_by_alert ON alert_events(alert_id, at);

CREATE TABLE alert_silences (
    id          INTEGER PRIMARY KEY,
    matchers    TEXT NOT NULL,                  -- JSON object: rule and/or label = value ('*' ends a prefix)
    creator     TEXT NOT NULL,
    comment     TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expired_at  TEXT,                           -- ended early by an operator
    suppressed  INTEGER NOT NULL DEFAULT 0      -- notifications it held back
);

-- The outbox: one row per message and receiver, delivered at most once (sent_at set on a
-- 2xx / 250 answer), retried with backoff until then; never deleted.
CREATE TABLE alert_notifications (
    id              INTEGER PRIMARY KEY,
    group_key       TEXT NOT NULL,
    receiver        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('firing', 'resolved', 'repeat')),
    severity        TEXT NOT NULL,
    alert_ids       TEXT NOT NULL,              -- JSON array
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'suppressed')),
    reason          TEXT,                       -- why suppressed: silence / inhibited / backfill / acked
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX alert_notifications_queued ON alert_notifications(next_attempt_at) WHERE status = 'queued';
CREATE INDEX alert_notifications_by_time ON alert_notifications(created_at);

-- Trends: per UTC day (of the run's start) and processor, the runs by category with their
-- records and time, and a histogram of successful runs' durations (bucket: the number of digits x 100 plus
-- the two leading digits, a bucket is at most 10% wide), so a year of runs is summarised
-- from a few hundred thousand rows; and real failures per hour for the day-of-week view.
CREATE TABLE run_day_stats (
    day          TEXT NOT NULL,
    processor    TEXT NOT NULL,
    category     TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    runs         INTEGER NOT NULL,
    zero_records INTEGER NOT NULL,
    records_out  INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    PRIMARY KEY (day, processor, category)
) WITHOUT ROWID;
CREATE TABLE run_duration_hist (
    day       TEXT NOT NULL,
    processor TEXT NOT NULL,
    bucket    INTEGER NOT NULL,
    runs      INTEGER NOT NULL,
    PRIMARY KEY (day, processor, bucket)
) WITHOUT ROWID;
CREATE TABLE run_hour_failures (
    day      TEXT NOT NULL,
    hour     INTEGER NOT NULL,
    phase    INTEGER NOT NULL,
    category TEXT NOT NULL,
    runs     INTEGER NOT NULL,
    PRIMARY KEY (day, hour, phase, category)
) WITHOUT ROWID;

CREATE TRIGGER processor_runs_trend_inserted AFTER INSERT ON processor_runs
WHEN NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_day_stats VALUES (substr(NEW.started_at, 1, 10), NEW.processor, NEW.failure_category, NEW.phase, 1,
        coalesce(NEW.records_out, 0) = 0, coalesce(NEW.records_out, 0), coalesce(NEW.duration_ms, 0))
        ON CONFLICT DO UPDATE SET runs = runs + 1, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO run_duration_hist SELECT substr(NEW.started_at, 1, 10), NEW.processor,
        length(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT)) * 100 +
        CAST(substr(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), 1
        WHERE NEW.failure_category = 'success'
        ON CONFLICT DO UPDATE SET runs = runs + 1;
    INSERT INTO run_hour_failures SELECT substr(NEW.started_at, 1, 10), CAST(substr(NEW.started_at, 12, 2) AS INTEGER),
        NEW.phase, NEW.failure_category, 1
        WHERE NEW.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')
        ON CONFLICT DO UPDATE SET runs = runs + 1;
END;

CREATE TRIGGER processor_runs_trend_finished AFTER UPDATE OF failure_category ON processor_runs
WHEN OLD.failure_category IS NULL AND NEW.failure_category IS NOT NULL BEGIN
    INSERT INTO run_day_stats VALUES (substr(NEW.started_at, 1, 10), NEW.processor, NEW.failure_category, NEW.phase, 1,
        coalesce(NEW.records_out, 0) = 0, coalesce(NEW.records_out, 0), coalesce(NEW.duration_ms, 0))
        ON CONFLICT DO UPDATE SET runs = runs + 1, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out, duration_ms = duration_ms + excluded.duration_ms;
    INSERT INTO run_duration_hist SELECT substr(NEW.started_at, 1, 10), NEW.processor,
        length(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT)) * 100 +
        CAST(substr(CAST(max(coalesce(NEW.duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), 1
        WHERE NEW.failure_category = 'success'
        ON CONFLICT DO UPDATE SET runs = runs + 1;
    INSERT INTO run_hour_failures SELECT substr(NEW.started_at, 1, 10), CAST(substr(NEW.started_at, 12, 2) AS INTEGER),
        NEW.phase, NEW.failure_category, 1
        WHERE NEW.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')
        ON CONFLICT DO UPDATE SET runs = runs + 1;
END;

-- The runs already in the history.
INSERT INTO run_day_stats SELECT substr(started_at, 1, 10), processor, failure_category, min(phase), count(*),
    sum(coalesce(records_out, 0) = 0), sum(coalesce(records_out, 0)), sum(coalesce(duration_ms, 0))
    FROM processor_runs WHERE failure_category IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO run_duration_hist SELECT substr(started_at, 1, 10), processor,
    length(CAST(max(coalesce(duration_ms, 0), 0) AS TEXT)) * 100 +
    CAST(substr(CAST(max(coalesce(duration_ms, 0), 0) AS TEXT) || '0', 1, 2) AS INTEGER), count(*)
    FROM processor_runs WHERE failure_category = 'success' GROUP BY 1, 2, 3;
INSERT INTO run_hour_failures SELECT substr(started_at, 1, 10), CAST(substr(started_at, 12, 2) AS INTEGER), phase,
    failure_category, count(*) FROM processor_runs
    WHERE failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error') GROUP BY 1, 2, 3, 4;

CREATE TABLE processor_timeouts (
    processor  TEXT PRIMARY KEY,
    timeout_s  INTEGER NOT NULL,
    basis      TEXT NOT NULL,                   -- "P95 41 s over 30 days (212 runs) x 3"
    applied_at TEXT NOT NULL,
    applied_by TEXT NOT NULL
);
