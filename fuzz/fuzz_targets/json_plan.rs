//! The JSON plan reader never panics on any bytes, and a plan it accepts
//! survives writing and reading back unchanged, to the byte on a second save.
#![no_main]

use bcf_model::io::json::{read_plan_json, write_plan_json};
use bcf_model::io::plan_from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = plan_from_bytes("fuzz.json", data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(plan) = read_plan_json("fuzz.json", text) {
        let written = write_plan_json(&plan).expect("a plan writes");
        let again = read_plan_json("written.json", &written).expect("a written plan reads back");
        assert_eq!(again, plan);
        assert_eq!(write_plan_json(&again).expect("a plan writes"), written);
    }
});
