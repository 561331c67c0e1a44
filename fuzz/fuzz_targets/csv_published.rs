//! The published wide-layout reader never panics on any text.
#![no_main]

use bcf_model::data::leicestershire;
use bcf_model::io::published::{read_expenditure_plan, ExpenditurePlanLayout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = read_expenditure_plan("fuzz.csv", text, &leicestershire::expenditure_plan_layout());
});
