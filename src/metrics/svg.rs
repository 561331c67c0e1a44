//! What every SVG chart of the crate writes the same way: the document's
//! opening (size, title, background, heading), coordinates rounded to one
//! decimal place, and text escaped for XML.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::round_decimal;
use crate::money::Rounding;

/// Opens an SVG document `width` x `height` with `title` as its title and
/// as a bold heading at `left`.
pub(crate) fn open(s: &mut String, width: i64, height: i64, left: i64, title: &str) {
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Arial, sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, "  <title>{}</title>", xml(title));
    let _ = writeln!(s, r#"  <rect width="{width}" height="{height}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"  <text x="{left}" y="22" font-size="14" font-weight="bold">{}</text>"#,
        xml(title)
    );
}

/// A coordinate or value for the SVG: one decimal place, rounded half away
/// from zero (presentation only).
pub(crate) fn coord(value: Decimal) -> String {
    round_decimal(value, 1, Rounding::HalfAwayFromZero)
        .normalize()
        .to_string()
}

/// Text for SVG: control characters escaped, then XML's special characters.
pub(crate) fn xml(text: &str) -> String {
    crate::text::escape(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
