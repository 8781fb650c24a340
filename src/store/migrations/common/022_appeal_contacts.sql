-- 022: the appeals contact of a unit (申诉接口人; seed 001 §4.1.8, 联系责任人:
-- the designated person who keeps an appeal's work orders moving and closes
-- the loop). At most one per unit; a unit without one is covered by the
-- nearest unit above it that has one (core/appeal.h). The contact is shown
-- on the appeal's report and told when an appeal about the unit is
-- dispatched to it and when headquarters returns its report.
CREATE TABLE IF NOT EXISTS appeal_contacts (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    set_by BIGINT NOT NULL,
    set_at BIGINT NOT NULL
);
