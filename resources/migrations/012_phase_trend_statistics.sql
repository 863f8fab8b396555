-- run statistics and duration histograms per day and phase for the trends' phase charts
-- The trend statistics per day and phase (the run's phase), kept from the per-processor ones
-- by triggers, so the phases' charts over a year read about a quarter of the rows: the runs by
-- category, and the durations' histogram.
CREATE TABLE run_day_phase_stats (
    day          TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    category     TEXT NOT NULL,
    runs         INTEGER NOT NULL,
    zero_records INTEGER NOT NULL,
    records_out  INTEGER NOT NULL,
    PRIMARY KEY (day, phase, category)
) WITHOUT ROWID;
CREATE TRIGGER run_day_stats_added AFTER INSERT ON run_day_stats BEGIN
    INSERT INTO run_day_phase_stats VALUES (NEW.day, NEW.phase, NEW.category, NEW.runs, NEW.zero_records, NEW.records_out)
        ON CONFLICT DO UPDATE SET runs = runs + excluded.runs, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out;
END;
CREATE TRIGGER run_day_stats_grown AFTER UPDATE ON run_day_stats BEGIN
    INSERT INTO run_day_phase_stats VALUES (NEW.day, NEW.phase, NEW.category, NEW.runs - OLD.runs,
        NEW.zero_records - OLD.zero_records, NEW.records_out - OLD.records_out)
        ON CONFLICT DO UPDATE SET runs = runs + excluded.runs, zero_records = zero_records + excluded.zero_records,
            records_out = records_out + excluded.records_out;
END;
INSERT INTO run_day_phase_stats
    SELECT day, phase, category, sum(runs), sum(zero_records), sum(records_out) FROM run_day_stats GROUP BY 1, 2, 3;

CREATE TABLE run_duration_phase_hist (
    day    TEXT NOT NULL,
    phase  INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    runs   INTEGER NOT NULL,
    PRIMARY KEY (day, phase, bucket)
) WITHOUT ROWID;

-- The durations' histogram. run_day_stats gets its row before run_duration_hist in the trend
-- triggers, so the phase is there.
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
