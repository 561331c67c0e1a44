//! Money parsing never panics, and whatever it accepts formats and parses
//! back to the same amount.
#![no_main]

use bcf_model::money::{Money, Render, Unit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for unit in [Unit::Pounds, Unit::Thousands, Unit::Millions] {
        if let Ok(p) = Money::parse_printed(text, unit) {
            // Exact: the plain decimal text of the amount in pounds reads back equal.
            let plain = p.value.pounds().to_string();
            let again = Money::parse(&plain, Unit::Pounds).expect("a formatted amount parses");
            assert_eq!(again, p.value, "{text:?} -> {plain:?}");
            let _ = p.value.render(p.precision);
        }
    }
});
