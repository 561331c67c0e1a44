//! Text as it goes into messages: control characters escaped, so a cell
//! holding a newline or a terminal escape cannot forge a line of output.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (and the invisible bidirectional
/// overrides) written as an escape: `\n`, `\r`, `\t`, `\u{1b}`. Other text
/// is unchanged, so ordinary names print as they are.
///
/// ```
/// use bcf_model::text::escape;
/// assert_eq!(escape("Reablement"), "Reablement");
/// assert_eq!(escape("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `value` as displayed, with control characters escaped (see [`escape`]):
/// for messages that show a name, id or text from a file.
pub(crate) fn shown(value: &impl std::fmt::Display) -> String {
    let text = value.to_string();
    match escape(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

/// Control characters, and the characters that reorder text invisibly.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` without white space at either end, exactly as [`str::trim`]
/// gives it; quicker for the usual field whose first and last bytes are
/// ASCII and not white space (then there is nothing to trim).
pub(crate) fn trim(text: &str) -> &str {
    // An ASCII byte is white space to `str::trim` as its char is (U+000B too).
    let plain = |b: &u8| b.is_ascii() && !char::from(*b).is_whitespace();
    match text.as_bytes() {
        // A blank cell, the commonest trimmed field of a published table.
        [] => text,
        [first, .., last] if plain(first) && plain(last) => text,
        [only] if plain(only) => text,
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, shown};

    #[test]
    fn shown_escapes_control_characters_and_keeps_the_rest() {
        assert_eq!(shown(&"line\none"), "line\\none");
        assert_eq!(shown(&2017), "2017");
    }

    #[test]
    fn escapes_what_could_forge_a_line() {
        assert_eq!(escape("ok"), "ok");
        assert_eq!(escape("two\r\nlines"), "two\\r\\nlines");
        assert_eq!(escape("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(escape("£1,000 – café"), "£1,000 – café");
    }

    proptest::proptest! {
        /// The quick trim is `str::trim`, Unicode white space included.
        #[test]
        fn trim_is_str_trim(text in "[ \t\u{b}\u{1f}\u{85}\u{a0}\u{2003}\u{3000}a-zé,.0-9]{0,8}") {
            proptest::prop_assert_eq!(super::trim(&text), text.trim());
        }
    }
}
