-- P(over the prop line) on predictions and grades
-- A served model's predictive distribution (its calibration, in the version's report) gives
-- each prediction with a prop line the probability that the player scores over it. NULL without
-- a line, for the baseline, and for versions trained before calibration.
ALTER TABLE player_prop_predictions ADD COLUMN p_over REAL;
ALTER TABLE prediction_grades ADD COLUMN p_over REAL;
