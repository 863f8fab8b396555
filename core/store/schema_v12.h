#pragma once

// Migrations from version 12 on (schema.h holds 1-11). A migration, once released, is never
// edited: changes go into a new one.
namespace nbaops::store::schema {

inline constexpr const char* kV12 = R"sql(
-- Durations' histogram per day and phase (the run's phase), kept from run_duration_hist by
-- triggers, so the phases' charts over a year read ~100,000 rows instead of a million.
CREATE TABLE run_duration_phase_hist (
    day    TEXT NOT NULL,
    phase  INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    runs   INTEGER NOT NULL,
    PRIMARY KEY (day, phase, bucket)
) WITHOUT ROWID;

-- run_day_stats gets its row before run_duration_hist in the trend triggers, so the phase is there.
CREATE TRIGGER run_duration_hist_added AFTER INSERT ON run_duration_hist BEGIN
    INSERT INTO run_duration_phase_hist VALUES (NEW.day,
        coalesce((SELECT phase FROM run_day_stats WHERE day = NEW.day AND processor = NEW.processor LIMIT 1), 0),
        NEW.bucket, NEW.runs)
        ON CONFLICT DO UPDATE SET runs = runs + excluded.runs;
END;
CREATE TRIGGER run_duration_hist_grown AFTER UPDATE OF runs ON run_duration_hist BEGIN
    INSERT INTO run_duration_phase_hist VALUES (NEW.day,
        coalesce((SELECT phase FROM run_day_stats WHERE day = NEW.day AND processor = NEW.processor LIMIT 1), 0),
        NEW.bucket, NEW.runs - OLD.runs)
        ON CONFLICT DO UPDATE SET runs = runs + excluded.runs;
END;

INSERT INTO run_duration_phase_hist
    SELECT h.day, coalesce(s.phase, 0), h.bucket, sum(h.runs) FROM run_duration_hist h
    LEFT JOIN (SELECT day, processor, min(phase) AS phase FROM run_day_stats GROUP BY 1, 2) s USING (day, processor)
    GROUP BY 1, 2, 3;
)sql";

} // namespace nbaops::store::schema
