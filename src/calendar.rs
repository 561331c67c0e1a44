//! The NHS and local-government financial calendar: [`FinancialYear`]
//! (1 April to 31 March, written `2017/18`), its [`Month`]s and [`Quarter`]s.
//!
//! ```
//! use bcf_model::calendar::{FinancialYear, Month, QuarterOfYear};
//!
//! let y: FinancialYear = "2017/18".parse()?;
//! assert_eq!(y.to_string(), "2017/18");
//! assert_eq!(y.months()[0], Month::new(2017, 4)?);
//! assert_eq!(y.months()[11], Month::new(2018, 3)?);
//! let june = Month::new(2017, 6)?;
//! assert_eq!(june.financial_year(), y);
//! assert_eq!(june.quarter().of_year, QuarterOfYear::Q1);
//! assert_eq!(june.days(), 30);
//! # Ok::<(), bcf_model::calendar::CalendarError>(())
//! ```
//!
//! **Range.** Financial years run from 1900/01 to 9998/99, and months from
//! April 1900 to March 9999: exactly the months of those years, so every
//! value the API produces (a month's year, a year's months and quarters,
//! `next` and `previous`) is in range and reads back from its own `Display`.
//! Constructors and parsers outside the range return an error.
//!
//! **Parsing is strict**: digits only where digits are meant (no sign, no
//! space, no other script's digits). A board-paper month such as `Jun-17`
//! has a two-digit year, read as 2010 to 2039 only (the Better Care Fund
//! was announced in 2013; its papers cite baselines a few years earlier);
//! any other two-digit year is refused rather than guessed, and the
//! four-digit form (`1999-06`) reads any month in range.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first and last start years this crate accepts.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9998;

/// The years a two-digit board-paper year (`Jun-17`) may stand for: the
/// fund's era. `Jun-99` is not guessed as 1999 or 2099; it is refused.
const TWO_DIGIT_YEARS: std::ops::RangeInclusive<i32> = 2010..=2039;

/// Whether `s` is exactly `len` ASCII digits (no sign, space or other script).
fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|c| c.is_ascii_digit())
}

/// The value of ASCII digits (the caller has checked them with [`is_digits`];
/// at most four, so it cannot overflow).
fn digits_value(s: &str) -> i32 {
    s.bytes().fold(0, |acc, c| acc * 10 + i32::from(c - b'0'))
}

/// A date or period that could not be read or built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// Text that is not a financial year.
    #[error("{input:?} is not a financial year (expected e.g. 2017/18)")]
    BadFinancialYear {
        /// The text given.
        input: String,
    },
    /// Text that is not a month.
    #[error("{input:?} is not a month (expected e.g. 2017-06)")]
    BadMonth {
        /// The text given.
        input: String,
    },
    /// Text that is not a quarter.
    #[error("{input:?} is not a quarter (expected e.g. 2017/18 Q1)")]
    BadQuarter {
        /// The text given.
        input: String,
    },
    /// A year outside 1900..=9998.
    #[error("year {0} is outside the supported range {MIN_YEAR}..={MAX_YEAR}")]
    YearOutOfRange(i32),
    /// A month number outside 1..=12.
    #[error("month {0} is not between 1 and 12")]
    MonthOutOfRange(u32),
    /// A month outside April 1900 to March 9999: the months of the
    /// financial years this crate represents.
    #[error("{year:04}-{month:02} is outside the supported months 1900-04 to 9999-03 (financial years {MIN_YEAR}/01 to {MAX_YEAR}/99)")]
    MonthOutsideRange {
        /// The calendar year.
        year: i32,
        /// The month number (1 to 12).
        month: u32,
    },
    /// A board-paper month (`Jun-17`) whose two-digit year is outside the
    /// fund's era, 2010 to 2039.
    #[error("{input:?}: a two-digit year is read only as 2010 to 2039 (the Better Care Fund's era); write the month in full, e.g. 1999-06")]
    TwoDigitYear {
        /// The text given.
        input: String,
    },
}

/// A financial year, 1 April to 31 March, named by the calendar year it
/// starts in and written `2017/18`.
///
/// Parsing accepts `2017/18`, `2017-18`, `2017_18` and `2017/2018` (ASCII
/// digits only); the second year must follow the first. Years run from
/// 1900/01 to 9998/99.
///
/// ```
/// use bcf_model::calendar::FinancialYear;
/// use chrono::NaiveDate;
///
/// let y = FinancialYear::starting(2018)?;
/// assert_eq!(y.to_string(), "2018/19");
/// assert_eq!(Some(y.first_day()), NaiveDate::from_ymd_opt(2018, 4, 1));
/// assert_eq!(Some(y.last_day()), NaiveDate::from_ymd_opt(2019, 3, 31));
/// assert_eq!(y.days(), 365);
/// assert!("2018/20".parse::<FinancialYear>().is_err());
/// # Ok::<(), bcf_model::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    start: i32,
}

impl FinancialYear {
    /// The financial year starting on 1 April of `year` (1900 to 9998).
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] if `year` is outside 1900 to 9998.
    pub fn starting(year: i32) -> Result<FinancialYear, CalendarError> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) {
            Ok(FinancialYear { start: year })
        } else {
            Err(CalendarError::YearOutOfRange(year))
        }
    }

    /// The financial year containing `date`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] if `date` is before 1 April 1900 or after
    /// 31 March 9999.
    pub fn containing(date: NaiveDate) -> Result<FinancialYear, CalendarError> {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear::starting(start)
    }

    /// The calendar year the financial year starts in (2017 for 2017/18).
    #[must_use]
    pub const fn start_year(self) -> i32 {
        self.start
    }

    /// 1 April of the start year.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start, 4, 1)
            .expect("FinancialYear::starting keeps the year in 1900..=9998, where chrono has every date")
    }

    /// 31 March of the following year.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start + 1, 3, 31)
            .expect("FinancialYear::starting keeps the year in 1900..=9998, where chrono has every date")
    }

    /// Number of days in the year (365 or 366).
    #[must_use]
    pub fn days(self) -> u32 {
        self.months().iter().map(|m| m.days()).sum()
    }

    /// Whether `date` falls in this year.
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && date <= self.last_day()
    }

    /// The following year, if in range.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] if this is 9998/99, the last year
    /// represented.
    pub fn next(self) -> Result<FinancialYear, CalendarError> {
        FinancialYear::starting(self.start + 1)
    }

    /// The preceding year, if in range.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] if this is 1900/01, the first year
    /// represented.
    pub fn previous(self) -> Result<FinancialYear, CalendarError> {
        FinancialYear::starting(self.start - 1)
    }

    /// The twelve months, April first.
    #[must_use]
    pub fn months(self) -> [Month; 12] {
        let mut out = [Month {
            year: self.start,
            month: 4,
        }; 12];
        for (i, m) in out.iter_mut().enumerate() {
            let n = 4 + i as u32;
            *m = if n <= 12 {
                Month {
                    year: self.start,
                    month: n,
                }
            } else {
                Month {
                    year: self.start + 1,
                    month: n - 12,
                }
            };
        }
        out
    }

    /// The four quarters, Q1 (April to June) first.
    #[must_use]
    pub fn quarters(self) -> [Quarter; 4] {
        QuarterOfYear::ALL.map(|q| Quarter { year: self, of_year: q })
    }

    /// The quarter `q` of this year.
    #[must_use]
    pub fn quarter(self, q: QuarterOfYear) -> Quarter {
        Quarter { year: self, of_year: q }
    }
}

impl fmt::Display for FinancialYear {
    /// `2017/18`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.start, (self.start + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadFinancialYear { input: s.to_string() };
        let t = s.trim();
        let (a, b) = t.split_once(['/', '-', '_']).ok_or_else(bad)?;
        if !is_digits(a, 4) {
            return Err(bad());
        }
        let start = digits_value(a);
        let next = start + 1;
        let ok = if is_digits(b, 2) {
            digits_value(b) == next.rem_euclid(100)
        } else {
            is_digits(b, 4) && digits_value(b) == next
        };
        if !ok {
            return Err(bad());
        }
        FinancialYear::starting(start)
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A calendar month, written `2017-06`, from April 1900 to March 9999 (the
/// months of the financial years 1900/01 to 9998/99, so that
/// [`Month::financial_year`] is always a year this crate represents).
///
/// ```
/// use bcf_model::calendar::Month;
/// let feb: Month = "2018-02".parse()?;
/// assert_eq!(feb.days(), 28);
/// assert_eq!(feb.to_string(), "2018-02");
/// assert_eq!(feb.label(), "Feb-18");
/// # Ok::<(), bcf_model::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Month {
    /// Month `month` (1 to 12) of calendar year `year`; fails outside April
    /// 1900 to March 9999.
    ///
    /// # Errors
    ///
    /// [`CalendarError::MonthOutOfRange`] if `month` is not 1 to 12, and
    /// [`CalendarError::MonthOutsideRange`] if the month is before April 1900 or
    /// after March 9999.
    pub fn new(year: i32, month: u32) -> Result<Month, CalendarError> {
        if !(1..=12).contains(&month) {
            return Err(CalendarError::MonthOutOfRange(month));
        }
        let fy_start = if month >= 4 {
            i64::from(year)
        } else {
            i64::from(year) - 1
        };
        if !(i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&fy_start) {
            return Err(CalendarError::MonthOutsideRange { year, month });
        }
        Ok(Month { year, month })
    }

    /// The calendar year.
    #[must_use]
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1 (January) to 12.
    #[must_use]
    pub const fn number(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .expect("Month::new keeps the year in 1900..=9999 and the month in 1..=12: a chrono date")
    }

    /// The number of days in the month (28 to 31).
    #[must_use]
    pub fn days(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(self.year) => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// The financial year the month belongs to (always in range: a month
    /// is built only in the years this crate represents).
    #[must_use]
    pub fn financial_year(self) -> FinancialYear {
        let start = if self.month >= 4 { self.year } else { self.year - 1 };
        FinancialYear { start }
    }

    /// The month's position in its financial year: 1 for April ... 12 for March.
    #[must_use]
    pub const fn month_of_year(self) -> u32 {
        if self.month >= 4 {
            self.month - 3
        } else {
            self.month + 9
        }
    }

    /// The quarter the month belongs to.
    #[must_use]
    pub fn quarter(self) -> Quarter {
        let of_year = match self.month_of_year() {
            1..=3 => QuarterOfYear::Q1,
            4..=6 => QuarterOfYear::Q2,
            7..=9 => QuarterOfYear::Q3,
            _ => QuarterOfYear::Q4,
        };
        Quarter {
            year: self.financial_year(),
            of_year,
        }
    }

    /// The month after, if in range.
    ///
    /// # Errors
    ///
    /// [`CalendarError::MonthOutsideRange`] if this is March 9999, the last month
    /// represented.
    pub fn next(self) -> Result<Month, CalendarError> {
        if self.month == 12 {
            Month::new(self.year + 1, 1)
        } else {
            Month::new(self.year, self.month + 1)
        }
    }

    /// The board-paper label, `Jun-17`: for display. It reads back as the
    /// same month only for 2010 to 2039 (two-digit years are read only in the
    /// fund's era); [`Display`](fmt::Display) (`2017-06`) always reads back.
    #[must_use]
    pub fn label(self) -> String {
        let name = MONTH_NAMES
            .get(self.month as usize - 1)
            .expect("Month::new keeps the month in 1..=12, and there are twelve names");
        format!("{}-{:02}", name, self.year.rem_euclid(100))
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

impl fmt::Display for Month {
    /// `2017-06`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = CalendarError;

    /// Reads `2017-06` (four ASCII digits, a hyphen, two ASCII digits), or
    /// a board-paper label `Jun-17` whose two-digit year is 2010 to 2039
    /// (see the [module docs](self)).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadMonth { input: s.to_string() };
        let t = s.trim();
        let (a, b) = t.split_once('-').ok_or_else(bad)?;
        if !is_digits(b, 2) {
            return Err(bad());
        }
        let number = digits_value(b);
        if is_digits(a, 4) {
            let month = u32::try_from(number).map_err(|_| bad())?;
            return Month::new(digits_value(a), month).map_err(|e| match e {
                CalendarError::MonthOutsideRange { .. } => e,
                _ => bad(),
            });
        }
        let index = MONTH_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(a))
            .ok_or_else(bad)?;
        let year = 2000 + number;
        if !TWO_DIGIT_YEARS.contains(&year) {
            return Err(CalendarError::TwoDigitYear { input: s.to_string() });
        }
        let month = u32::try_from(index + 1).map_err(|_| bad())?;
        Month::new(year, month).map_err(|_| bad())
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One of the four quarters of a financial year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum QuarterOfYear {
    /// April to June.
    Q1,
    /// July to September.
    Q2,
    /// October to December.
    Q3,
    /// January to March.
    Q4,
}

impl QuarterOfYear {
    /// Q1 to Q4 in order.
    pub const ALL: [QuarterOfYear; 4] = [
        QuarterOfYear::Q1,
        QuarterOfYear::Q2,
        QuarterOfYear::Q3,
        QuarterOfYear::Q4,
    ];

    /// 1 to 4.
    #[must_use]
    pub const fn number(self) -> u32 {
        match self {
            QuarterOfYear::Q1 => 1,
            QuarterOfYear::Q2 => 2,
            QuarterOfYear::Q3 => 3,
            QuarterOfYear::Q4 => 4,
        }
    }
}

/// A quarter of a financial year, written `2017/18 Q1`.
///
/// ```
/// use bcf_model::calendar::{FinancialYear, Quarter, QuarterOfYear};
/// let q: Quarter = "2016/17 Q4".parse()?;
/// assert_eq!(q.months().map(|m| m.label()), ["Jan-17", "Feb-17", "Mar-17"]);
/// assert_eq!(q.to_string(), "2016/17 Q4");
/// # Ok::<(), bcf_model::calendar::CalendarError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// The financial year.
    pub year: FinancialYear,
    /// Which quarter.
    pub of_year: QuarterOfYear,
}

impl Quarter {
    /// The three months of the quarter.
    #[must_use]
    pub fn months(self) -> [Month; 3] {
        let [a, b, c, d, e, f, g, h, i, j, k, l] = self.year.months();
        match self.of_year {
            QuarterOfYear::Q1 => [a, b, c],
            QuarterOfYear::Q2 => [d, e, f],
            QuarterOfYear::Q3 => [g, h, i],
            QuarterOfYear::Q4 => [j, k, l],
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.of_year.number())
    }
}

impl FromStr for Quarter {
    type Err = CalendarError;

    /// Reads `2017/18 Q1` or `2017-18 Q1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadQuarter { input: s.to_string() };
        let (y, q) = s.trim().rsplit_once(' ').ok_or_else(bad)?;
        let year: FinancialYear = y.trim().parse().map_err(|_| bad())?;
        let of_year = match q {
            "Q1" | "q1" => QuarterOfYear::Q1,
            "Q2" | "q2" => QuarterOfYear::Q2,
            "Q3" | "q3" => QuarterOfYear::Q3,
            "Q4" | "q4" => QuarterOfYear::Q4,
            _ => return Err(bad()),
        };
        Ok(Quarter { year, of_year })
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_year_parsing() {
        for s in ["2017/18", "2017-18", "2017_18", "2017/2018", " 2017/18 "] {
            assert_eq!(s.parse::<FinancialYear>().unwrap().start_year(), 2017, "{s}");
        }
        for s in [
            "2017/19", "17/18", "2017", "", "2017/1", "abcd/ef", "1899/00", "2017/18x",
        ] {
            assert!(s.parse::<FinancialYear>().is_err(), "{s}");
        }
        assert_eq!("1999/00".parse::<FinancialYear>().unwrap().to_string(), "1999/00");
    }

    #[test]
    fn leap_years_and_quarters() {
        let y = FinancialYear::starting(2019).unwrap();
        assert_eq!(y.days(), 366);
        assert_eq!(Month::new(2020, 2).unwrap().days(), 29);
        assert_eq!(Month::new(2100, 2).unwrap().days(), 28);
        let q4 = y.quarter(QuarterOfYear::Q4);
        assert_eq!(q4.months()[2], Month::new(2020, 3).unwrap());
        for m in y.months() {
            assert_eq!(m.financial_year(), y);
            assert!(q4.year == m.quarter().year);
        }
        assert_eq!("Jun-17".parse::<Month>().unwrap(), Month::new(2017, 6).unwrap());
        assert!("2017-13".parse::<Month>().is_err());
        assert!("2017-6".parse::<Month>().is_err());
    }

    #[test]
    fn digits_only_where_digits_are_meant() {
        // `u32::from_str` takes a sign: "+6" is not a month number.
        for s in [
            "2017-+6",
            "2017- 6",
            "Jun-+7",
            "Jun- 7",
            "2017/+8",
            "+017-06",
            "2017-٠٦",
            "Jun-١٧",
        ] {
            assert!(s.parse::<Month>().is_err(), "{s}");
        }
        for s in ["2017/+8", "2017/ 8", "+017/18", "2017/+018"] {
            assert!(s.parse::<FinancialYear>().is_err(), "{s}");
        }
    }

    #[test]
    fn two_digit_years_are_the_funds_era_only() {
        assert_eq!("Jun-17".parse::<Month>().unwrap(), Month::new(2017, 6).unwrap());
        assert_eq!("jan-10".parse::<Month>().unwrap(), Month::new(2010, 1).unwrap());
        assert_eq!("Dec-39".parse::<Month>().unwrap(), Month::new(2039, 12).unwrap());
        for s in ["Jun-99", "Jun-09", "Jun-40", "Jun-00"] {
            let e = s.parse::<Month>().unwrap_err();
            assert_eq!(e, CalendarError::TwoDigitYear { input: s.to_string() }, "{s}");
            assert!(e.to_string().contains("2010 to 2039"), "{e}");
        }
        // The four-digit form has no such limit.
        assert_eq!("1999-06".parse::<Month>().unwrap(), Month::new(1999, 6).unwrap());
        assert_eq!("2099-06".parse::<Month>().unwrap().label(), "Jun-99");
    }

    #[test]
    fn months_are_those_of_representable_years() {
        // January to March 1900 belong to 1899/00, which is not representable.
        assert!(Month::new(1900, 3).is_err());
        assert_eq!(Month::new(1900, 4).unwrap().financial_year().to_string(), "1900/01");
        // April 9999 would belong to 9999/00.
        assert!(Month::new(9999, 4).is_err());
        let last = Month::new(9999, 3).unwrap();
        assert_eq!(last.financial_year().to_string(), "9998/99");
        assert!(last.next().is_err());
        assert!("9999-04".parse::<Month>().is_err());
        assert!("1900-01".parse::<Month>().is_err());
    }

    fn year() -> impl proptest::strategy::Strategy<Value = i32> {
        use proptest::prelude::*;
        prop_oneof![
            any::<i32>(),
            MIN_YEAR - 5..=MIN_YEAR + 5,
            MAX_YEAR - 5..=MAX_YEAR + 5,
            1990..2050
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Every year, month and quarter the API can produce reads back from
        /// its own `Display` (and a board-paper label in the fund's era from
        /// `label`).
        #[test]
        fn everything_constructible_round_trips(y in year(), m in 0u32..=13, days in -5_000_000i64..5_000_000) {
            if let Ok(fy) = FinancialYear::starting(y) {
                proptest::prop_assert_eq!(fy.to_string().parse::<FinancialYear>(), Ok(fy));
                for q in fy.quarters() {
                    proptest::prop_assert_eq!(q.to_string().parse::<Quarter>(), Ok(q));
                }
                for month in fy.months() {
                    proptest::prop_assert_eq!(month.to_string().parse::<Month>(), Ok(month));
                    proptest::prop_assert_eq!(month.financial_year(), fy);
                }
                for other in [fy.next(), fy.previous()].into_iter().flatten() {
                    proptest::prop_assert_eq!(other.to_string().parse::<FinancialYear>(), Ok(other));
                }
                proptest::prop_assert!(fy.contains(fy.first_day()) && fy.contains(fy.last_day()));
            }
            if let Ok(month) = Month::new(y, m) {
                proptest::prop_assert_eq!(month.to_string().parse::<Month>(), Ok(month));
                let fy = month.financial_year();
                proptest::prop_assert_eq!(fy.to_string().parse::<FinancialYear>(), Ok(fy));
                let q = month.quarter();
                proptest::prop_assert_eq!(q.to_string().parse::<Quarter>(), Ok(q));
                proptest::prop_assert!(fy.contains(month.first_day()));
                if (2010..=2039).contains(&month.year()) {
                    proptest::prop_assert_eq!(month.label().parse::<Month>(), Ok(month));
                }
                if let Ok(next) = month.next() {
                    proptest::prop_assert_eq!(next.to_string().parse::<Month>(), Ok(next));
                    proptest::prop_assert!(next.financial_year().to_string().parse::<FinancialYear>().is_ok());
                }
            }
            let date = NaiveDate::from_num_days_from_ce_opt(730_000 + (days % 3_000_000) as i32);
            if let Some(fy) = date.and_then(|d| FinancialYear::containing(d).ok()) {
                proptest::prop_assert_eq!(fy.to_string().parse::<FinancialYear>(), Ok(fy));
            }
        }
    }
}
