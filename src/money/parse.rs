//! Reading printed figures: [`Money::parse`], [`Money::parse_printed`],
//! [`parse_decimal`] and their [`ParseMoneyError`].

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Money, Precision, PrintedFigure, Unit};

impl Money {
    /// Parses a figure written in `unit`: `£3,349,869`, `3,349.9`, `-840.6`,
    /// `(840.6)`, `£(1,000)`. Thousands separators must be well placed; no
    /// exponent, no stray characters. See [`ParseMoneyErrorKind`] for what is
    /// rejected.
    ///
    /// # Errors
    ///
    /// [`ParseMoneyError`], whose [`kind`](ParseMoneyError::kind) is
    /// [`Empty`](ParseMoneyErrorKind::Empty) for blank input,
    /// [`UnexpectedCharacter`](ParseMoneyErrorKind::UnexpectedCharacter) for a
    /// character with no place in a figure, [`NoDigits`](ParseMoneyErrorKind::NoDigits)
    /// when there are no digits, [`BadGrouping`](ParseMoneyErrorKind::BadGrouping)
    /// for misplaced thousands separators, [`BadSign`](ParseMoneyErrorKind::BadSign)
    /// for an unmatched bracket or a sign inside brackets, and
    /// [`OutOfRange`](ParseMoneyErrorKind::OutOfRange) for a figure with more than
    /// 28 decimals or beyond the decimal range (in pounds).
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit};
    /// assert_eq!(Money::parse("1,367.3", Unit::Thousands)?, Money::from_pence(136_730_000));
    /// assert!(Money::parse("1e30", Unit::Pounds).is_err());
    /// assert!(Money::parse("1,36.7", Unit::Pounds).is_err());
    /// # Ok::<(), bcf_model::money::ParseMoneyError>(())
    /// ```
    pub fn parse(input: &str, unit: Unit) -> Result<Money, ParseMoneyError> {
        Self::parse_printed(input, unit).map(|p| p.value)
    }

    /// Like [`Money::parse`], and also returns the precision the figure was
    /// printed to (its unit and number of decimals), which says how far the
    /// printed figure may be from the true one.
    ///
    /// # Errors
    ///
    /// The same [`ParseMoneyError`]s as [`Money::parse`].
    ///
    /// ```
    /// # use bcf_model::money::{Money, Unit, Precision};
    /// let p = Money::parse_printed("2,562.7", Unit::Thousands)?;
    /// assert_eq!(p.precision, Precision::THOUSANDS_1DP);
    /// assert_eq!(p.precision.half_step().to_string(), "£50.00");
    /// # Ok::<(), bcf_model::money::ParseMoneyError>(())
    /// ```
    pub fn parse_printed(input: &str, unit: Unit) -> Result<PrintedFigure, ParseMoneyError> {
        parse_figure(input, unit)
    }
}

/// Why a figure could not be read as money.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {input:?} as money: {kind}")]
pub struct ParseMoneyError {
    /// The text that was given.
    pub input: String,
    /// What was wrong with it.
    pub kind: ParseMoneyErrorKind,
}

/// What was wrong with a money figure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseMoneyErrorKind {
    /// Nothing but white space.
    #[error("it is empty")]
    Empty,
    /// A character that has no place in a money figure (letters, `e`, a second `.`).
    #[error("unexpected character {ch:?} at position {position}")]
    UnexpectedCharacter {
        /// The character.
        ch: char,
        /// Its position in characters, from 0.
        position: usize,
    },
    /// A figure with no digits.
    #[error("it has no digits")]
    NoDigits,
    /// Thousands separators not in groups of three before the decimal point.
    #[error("thousands separators are misplaced (groups of three digits expected)")]
    BadGrouping,
    /// A bracket without its partner, or a sign inside brackets.
    #[error("brackets or signs do not match (use -840.6 or (840.6))")]
    BadSign,
    /// Too many digits for the decimal range.
    #[error("it is beyond the decimal range (28 significant digits)")]
    OutOfRange,
}

fn parse_figure(input: &str, unit: Unit) -> Result<PrintedFigure, ParseMoneyError> {
    match plain_figure(input.trim(), unit) {
        Some(figure) => Ok(figure),
        None => general_figure(input, unit),
    }
}

/// Reads any figure [`Money::parse_printed`] reads, step by step.
fn general_figure(input: &str, unit: Unit) -> Result<PrintedFigure, ParseMoneyError> {
    let err = |kind| ParseMoneyError {
        input: input.to_string(),
        kind,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err(ParseMoneyErrorKind::Empty));
    }
    let mut rest = trimmed;
    let mut negative = false;
    let mut bracketed = false;
    // Leading sign, then optional £, then optional bracket (or bracket then £).
    if let Some(r) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('\u{2212}')) {
        negative = true;
        rest = r;
    }
    rest = rest.strip_prefix('£').unwrap_or(rest);
    if let Some(r) = rest.strip_prefix('(') {
        if negative {
            return Err(err(ParseMoneyErrorKind::BadSign));
        }
        bracketed = true;
        rest = r.strip_suffix(')').ok_or_else(|| err(ParseMoneyErrorKind::BadSign))?;
        rest = rest.strip_prefix('£').unwrap_or(rest);
        negative = true;
    } else if rest.ends_with(')') {
        return Err(err(ParseMoneyErrorKind::BadSign));
    }
    if !bracketed && !negative {
        if let Some(r) = rest.strip_prefix('-') {
            negative = true;
            rest = r;
        }
    }
    let offset = trimmed.chars().count() - rest.chars().count();
    let offset = if bracketed { offset.saturating_sub(1) } else { offset };
    let (mantissa, decimals) = parse_digits(rest, offset).map_err(err)?;
    let signed = if negative { -mantissa } else { mantissa };
    let value = Decimal::try_from_i128_with_scale(signed, u32::from(decimals))
        .map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    let money = Money::from_units(value, unit).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    // parse_digits allows at most 28 decimals, so the precision is valid.
    let precision = Precision::new(unit, decimals).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))?;
    Ok(PrintedFigure {
        value: money,
        precision,
    })
}

/// The figure `text` is, read without the general parser's steps, if it is
/// plain: an optional leading `-`, then ASCII digits with at most one `.`
/// inside them, at most 18 characters together (no `£`, brackets,
/// separators or spaces), as nearly every figure of a published table is. Gives exactly what the
/// general path gives (tested on generated figures); `None` sends every
/// other text to it.
fn plain_figure(text: &str, unit: Unit) -> Option<PrintedFigure> {
    let (negative, digits) = match text.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text.as_bytes()),
    };
    // At most 18 digits: times 10^6, an i128.
    let (units, decimals) = plain_units(digits)?;
    let units = if negative { units.checked_neg()? } else { units };
    let signed = i128::from(units);
    // In pounds: units × 10^(exponent - decimals), normalized (no trailing
    // zero after the point), as Money::from_units keeps it.
    let exponent = unit.exponent();
    let value = match exponent.checked_sub(decimals) {
        // The usual figure (£'000 to a decimal or two) in a machine word.
        Some(up) => match 10i64.checked_pow(up).and_then(|p| units.checked_mul(p)) {
            Some(pounds) => Decimal::from(pounds),
            None => Decimal::try_from_i128_with_scale(signed.checked_mul(10i128.checked_pow(up)?)?, 0).ok()?,
        },
        None => {
            let (mut mantissa, mut scale) = (signed, decimals.checked_sub(exponent)?);
            while scale > 0 && mantissa % 10 == 0 {
                mantissa /= 10;
                scale -= 1;
            }
            Decimal::try_from_i128_with_scale(mantissa, scale).ok()?
        }
    };
    let precision = Precision::new(unit, u8::try_from(decimals).ok()?).ok()?;
    Some(PrintedFigure {
        value: Money::from_pounds(value),
        precision,
    })
}

/// Plain digits with at most one decimal point inside them
/// (`1234567.89`), as units at their scale; `None` for anything else
/// (signs, separators, `£`, spaces, a point first or last, more than 18
/// digits and point together, so that every such number fits an `i64`).
pub(crate) fn plain_units(digits: &[u8]) -> Option<(i64, u32)> {
    if digits.is_empty() || digits.len() > 18 || digits.first() == Some(&b'.') || digits.last() == Some(&b'.') {
        return None;
    }
    let mut units: i64 = 0;
    // Digits after the point; a figure without one has none.
    let mut decimals: u32 = 0;
    let mut point = false;
    for b in digits {
        match b {
            b'0'..=b'9' => {
                units = units.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                if point {
                    decimals = decimals.checked_add(1)?;
                }
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    Some((units, decimals))
}

/// Reads the digits of a figure (after any sign, `£` and brackets): digits
/// with thousands separators in groups of three before an optional decimal
/// point. Returns the unsigned mantissa and the number of decimals;
/// `offset` is where `rest` starts in the trimmed input, for positions in
/// errors. One pass, no allocation.
fn parse_digits(rest: &str, offset: usize) -> Result<(i128, u8), ParseMoneyErrorKind> {
    let mut mantissa: i128 = 0;
    let mut int_count = 0usize;
    let mut frac_count = 0usize;
    let mut first_group: Option<usize> = None;
    let mut current_group = 0usize;
    let mut groups_ok = true;
    let mut seen_point = false;
    let mut too_long = false;
    for (i, ch) in rest.chars().enumerate() {
        match ch {
            '0'..='9' => {
                let d = i128::from(ch as u8 - b'0');
                match mantissa.checked_mul(10).and_then(|m| m.checked_add(d)) {
                    Some(m) => mantissa = m,
                    None => too_long = true,
                }
                if seen_point {
                    frac_count += 1;
                } else {
                    int_count += 1;
                    current_group += 1;
                }
            }
            ',' if !seen_point => {
                match first_group {
                    None => groups_ok &= (1..=3).contains(&current_group),
                    Some(_) => groups_ok &= current_group == 3,
                }
                first_group = Some(current_group);
                current_group = 0;
            }
            '.' if !seen_point => seen_point = true,
            _ => {
                return Err(ParseMoneyErrorKind::UnexpectedCharacter {
                    ch,
                    position: offset.saturating_add(i),
                })
            }
        }
    }
    if int_count == 0 && frac_count == 0 {
        return Err(ParseMoneyErrorKind::NoDigits);
    }
    if first_group.is_some() && (!groups_ok || current_group != 3) {
        return Err(ParseMoneyErrorKind::BadGrouping);
    }
    let decimals = u8::try_from(frac_count).map_err(|_| ParseMoneyErrorKind::OutOfRange)?;
    if too_long || frac_count > 28 {
        return Err(ParseMoneyErrorKind::OutOfRange);
    }
    Ok((mantissa, decimals))
}

/// Parses a plain decimal number as finance officers print it (`318.39`,
/// `1,739`, `-601`, `87.0`), with the same rules for thousands separators
/// as [`Money::parse`]: a comma only between groups of three digits before
/// the decimal point, so a decimal comma (`318,39`) or a misplaced one
/// (`2,87.04`) is an error, never a different number. The result keeps the
/// decimals as written (`87.0` has one). No `£`, brackets or exponent.
///
/// # Errors
///
/// [`ParseMoneyError`], whose [`kind`](ParseMoneyError::kind) is
/// [`Empty`](ParseMoneyErrorKind::Empty) for blank input,
/// [`UnexpectedCharacter`](ParseMoneyErrorKind::UnexpectedCharacter) for any
/// character other than a leading minus sign, digits, well-placed commas and one
/// decimal point (so `£`, brackets and exponents),
/// [`NoDigits`](ParseMoneyErrorKind::NoDigits) when there are no digits,
/// [`BadGrouping`](ParseMoneyErrorKind::BadGrouping) for misplaced thousands
/// separators, and [`OutOfRange`](ParseMoneyErrorKind::OutOfRange) for more than
/// 28 decimals or a number beyond the decimal range.
///
/// ```
/// use bcf_model::money::parse_decimal;
/// use rust_decimal::Decimal;
///
/// assert_eq!(parse_decimal("1,739")?, Decimal::from(1_739));
/// assert_eq!(parse_decimal("87.0")?.scale(), 1);
/// assert!(parse_decimal("318,39").is_err());
/// assert!(parse_decimal("2,87.04").is_err());
/// # Ok::<(), bcf_model::money::ParseMoneyError>(())
/// ```
pub fn parse_decimal(input: &str) -> Result<Decimal, ParseMoneyError> {
    let err = |kind| ParseMoneyError {
        input: input.to_string(),
        kind,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(err(ParseMoneyErrorKind::Empty));
    }
    let (negative, rest) = match trimmed.strip_prefix('-').or_else(|| trimmed.strip_prefix('\u{2212}')) {
        Some(r) => (true, r),
        None => (false, trimmed),
    };
    let offset = trimmed.chars().count() - rest.chars().count();
    let (mantissa, decimals) = parse_digits(rest, offset).map_err(err)?;
    let signed = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(signed, u32::from(decimals)).map_err(|_| err(ParseMoneyErrorKind::OutOfRange))
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    /// Parses a figure in pounds, as [`Money::parse`] with [`Unit::Pounds`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s, Unit::Pounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::money::RoundingBound;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    proptest::proptest! {
        /// A plain figure reads exactly as the general path reads it: the
        /// same value (to its representation) and precision, in every unit;
        /// any other text is left to the general path.
        #[test]
        fn plain_figures_read_as_the_general_path_reads_them(
            text in "-?[0-9]{0,19}(\\.[0-9]{0,19})?|[-0-9., £()]{0,12}",
            unit in proptest::sample::select(vec![Unit::Pounds, Unit::Thousands, Unit::Millions]),
        ) {
            if let Some(plain) = plain_figure(&text, unit) {
                let general = general_figure(&text, unit).expect("a plain figure reads");
                proptest::prop_assert_eq!(plain, general);
                proptest::prop_assert_eq!(plain.value.pounds().scale(), general.value.pounds().scale());
                proptest::prop_assert_eq!(plain.value.pounds().mantissa(), general.value.pounds().mantissa());
            }
            proptest::prop_assert_eq!(parse_figure(&text, unit), general_figure(&text, unit));
        }
    }

    #[test]
    fn plain_figures_cover_a_published_table() {
        for (text, unit) in [
            ("93.6", Unit::Thousands),
            ("-840.6", Unit::Thousands),
            ("0.0", Unit::Thousands),
            ("12.50", Unit::Pounds),
            ("1.234567", Unit::Millions),
            ("123456789012345678", Unit::Pounds),
            ("-123456789012345.78", Unit::Millions),
        ] {
            assert!(plain_figure(text, unit).is_some(), "{text}");
            assert_eq!(plain_figure(text, unit).map(Ok), Some(general_figure(text, unit)));
        }
        for text in [
            "",
            "-",
            ".5",
            "5.",
            "1,000",
            "£5",
            "(5)",
            "1.2.3",
            " 5",
            "1234567890123456789",
        ] {
            assert_eq!(plain_figure(text, Unit::Pounds), None, "{text}");
        }
    }

    #[test]
    fn parses_published_forms() {
        assert_eq!(
            Money::parse("£3,349,869", Unit::Pounds).unwrap(),
            Money::from_pounds(d("3349869"))
        );
        assert_eq!(
            Money::parse("3,349.9", Unit::Thousands).unwrap(),
            Money::from_pounds(d("3349900"))
        );
        assert_eq!(
            Money::parse("-840.6", Unit::Thousands).unwrap(),
            Money::from_pounds(d("-840600"))
        );
        assert_eq!(
            Money::parse("(840.6)", Unit::Thousands).unwrap(),
            Money::from_pounds(d("-840600"))
        );
        assert_eq!(
            Money::parse("£(1,000)", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse("(£1,000)", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse("-£1,000", Unit::Pounds).unwrap(),
            Money::from_pounds(d("-1000"))
        );
        assert_eq!(
            Money::parse(" .5 ", Unit::Pounds).unwrap(),
            Money::from_pounds(d("0.5"))
        );
        assert_eq!(Money::parse("0.0", Unit::Thousands).unwrap(), Money::ZERO);
    }

    #[test]
    fn rejects_malformed() {
        let kind = |s: &str| Money::parse(s, Unit::Pounds).unwrap_err().kind;
        assert_eq!(kind(""), ParseMoneyErrorKind::Empty);
        assert_eq!(kind("   "), ParseMoneyErrorKind::Empty);
        assert!(matches!(
            kind("1e30"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'e', position: 1 }
        ));
        assert!(matches!(
            kind("1.2.3"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '.', .. }
        ));
        assert_eq!(kind("1,36.7"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind(",100"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind("1234,567"), ParseMoneyErrorKind::BadGrouping);
        assert_eq!(kind("(840.6"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("840.6)"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("-(840.6)"), ParseMoneyErrorKind::BadSign);
        assert_eq!(kind("£"), ParseMoneyErrorKind::NoDigits);
        assert_eq!(kind("."), ParseMoneyErrorKind::NoDigits);
        assert_eq!(
            kind("99999999999999999999999999999999"),
            ParseMoneyErrorKind::OutOfRange
        );
        assert!(Money::parse("79228162514264337593544", Unit::Millions).is_err());
    }

    #[test]
    fn printed_precision() {
        let p = Money::parse_printed("2,562.7", Unit::Thousands).unwrap();
        assert_eq!(p.precision, Precision::THOUSANDS_1DP);
        assert_eq!(p.precision.step(), Money::from_pounds(d("100")));
        assert_eq!(p.precision.half_step(), Money::from_pounds(d("50")));
        assert_eq!(Precision::PENCE.half_step(), Money::from_pounds(d("0.005")));
    }

    /// Mutation gaps: the sign may follow the £; a second sign, or a comma
    /// after the decimal point, is an error; positions in errors count from
    /// the start; names and labels read as they should.
    #[test]
    fn signs_separators_and_words() {
        let kind = |s: &str| Money::parse(s, Unit::Pounds).unwrap_err().kind;
        assert_eq!(
            Money::parse("£-1,000", Unit::Pounds),
            Ok(Money::from_pounds(d("-1000")))
        );
        assert!(matches!(
            kind("-£-1"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '-', .. }
        ));
        assert!(matches!(
            kind("(-1)"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: '-', .. }
        ));
        assert!(matches!(
            kind("1.5,000"),
            ParseMoneyErrorKind::UnexpectedCharacter { ch: ',', position: 3 }
        ));
        assert!(matches!(
            parse_decimal("-12x").unwrap_err().kind,
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'x', position: 3 }
        ));
        assert!(matches!(
            parse_decimal("12x").unwrap_err().kind,
            ParseMoneyErrorKind::UnexpectedCharacter { ch: 'x', position: 2 }
        ));
        assert_eq!("£1,000".parse::<Money>(), Ok(Money::from_pounds(d("1000"))));
        assert!("1e3".parse::<Money>().is_err());
        assert_eq!(Unit::Thousands.label(), "£'000");
        assert_eq!(
            [Unit::Pounds, Unit::Thousands, Unit::Millions].map(|u| u.to_string()),
            ["£", "£'000", "£m"]
        );
        assert_eq!(Precision::THOUSANDS_1DP.to_string(), "£'000 to 1 dp");
        assert_eq!(Precision::checked(Unit::Pounds, 28).map(Precision::decimals), Some(28));
        assert_eq!(Precision::checked(Unit::Pounds, 29), None);
        assert_eq!(Precision::checked(Unit::Pounds, 0), Some(Precision::POUNDS));
        let mut b = RoundingBound::of(Precision::THOUSANDS_1DP, 2);
        assert!(!b.is_zero());
        assert_eq!(format!("{b:?}"), "{half of 10^2: 2}");
        b.add(Precision::PENCE, 1).unwrap();
        assert_eq!(format!("{b:?}"), "{half of 10^-2: 1, half of 10^2: 2}");
        assert!(RoundingBound::ZERO.is_zero());
    }
}
