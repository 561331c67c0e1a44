//! The JSON plan reader never panics on any bytes, its fast path agrees
//! with the reference reader (serde_json alone), and a plan it accepts
//! survives writing and reading back unchanged, to the byte on a second
//! save.
#![no_main]

use bcf_model::io::json::{read_plan_json, read_plan_json_reference, write_plan_json};
use bcf_model::io::plan_from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = plan_from_bytes("fuzz.json", data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    let read = read_plan_json("fuzz.json", text);
    let reference = read_plan_json_reference("fuzz.json", text);
    assert_eq!(read, reference, "the fast path and the reference reader differ");
    if let Ok(plan) = read {
        let written = write_plan_json(&plan).expect("a plan writes");
        let again = read_plan_json("written.json", &written).expect("a written plan reads back");
        assert_eq!(again, plan);
        assert_eq!(write_plan_json(&again).expect("a plan writes"), written);
    }
});
