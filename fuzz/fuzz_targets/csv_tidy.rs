//! The tidy CSV reader never panics on any bytes, its fast path agrees with
//! the reference reader, and a plan it accepts survives writing and reading
//! back unchanged.
#![no_main]

use bcf_model::io::plan_from_bytes;
use bcf_model::io::tidy::{read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Through the byte entry point (UTF-8 check, dispatch on the header)...
    let _ = plan_from_bytes("fuzz.csv", data);
    // ...and straight into the tidy reader.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let read = read_plan_tidy("fuzz.csv", text);
    let reference = read_plan_tidy_reference("fuzz.csv", text);
    assert_eq!(read, reference, "the fast path and the reference reader differ");
    if let Ok(plan) = read {
        let written = write_plan_tidy(&plan);
        let again = read_plan_tidy("written.csv", &written).expect("a written plan reads back");
        assert_eq!(again, plan);
        assert_eq!(write_plan_tidy(&again), written);
    }
});
