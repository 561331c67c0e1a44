//! The published wide-layout reader never panics on any text, and its fast
//! paths (records split by hand, lines straight into the line table) give
//! exactly what the reference reader gives: the same table and plan, or the
//! same errors.
#![no_main]

use bcf_model::data::leicestershire;
use bcf_model::io::published::{read_expenditure_plan, read_expenditure_plan_reference};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let layout = leicestershire::expenditure_plan_layout();
    let read = read_expenditure_plan("fuzz.csv", text, &layout);
    let reference = read_expenditure_plan_reference("fuzz.csv", text, &layout);
    assert_eq!(read, reference, "the fast paths and the reference reader differ");
});
