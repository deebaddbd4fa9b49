// Generated from core/src/validate.rs by `cargo test -p panelist-core export_bindings`. Do not edit.

/** Look-fors of a question in the bank: one live-screen key each. */
export const LOOK_FORS_MAX = 9;
/** Follow-ups of a question in the bank: one live-screen key each. */
export const FOLLOW_UPS_MAX = 6;
