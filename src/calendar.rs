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

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first and last start years this crate accepts.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9998;

/// A date or period that could not be read or built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
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
}

/// A financial year, 1 April to 31 March, named by the calendar year it
/// starts in and written `2017/18`.
///
/// Parsing accepts `2017/18`, `2017-18`, `2017_18` and `2017/2018`; the
/// second year must follow the first.
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
    /// The financial year starting on 1 April of `year`.
    pub fn starting(year: i32) -> Result<FinancialYear, CalendarError> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) {
            Ok(FinancialYear { start: year })
        } else {
            Err(CalendarError::YearOutOfRange(year))
        }
    }

    /// The financial year containing `date`.
    pub fn containing(date: NaiveDate) -> Result<FinancialYear, CalendarError> {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear::starting(start)
    }

    /// The calendar year the financial year starts in (2017 for 2017/18).
    pub const fn start_year(self) -> i32 {
        self.start
    }

    /// 1 April of the start year.
    pub fn first_day(self) -> NaiveDate {
        // In range by construction; fall back to the minimum date rather than panic.
        NaiveDate::from_ymd_opt(self.start, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the following year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// Number of days in the year (365 or 366).
    pub fn days(self) -> u32 {
        self.months().iter().map(|m| m.days()).sum()
    }

    /// Whether `date` falls in this year.
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && date <= self.last_day()
    }

    /// The following year, if in range.
    pub fn next(self) -> Result<FinancialYear, CalendarError> {
        FinancialYear::starting(self.start + 1)
    }

    /// The preceding year, if in range.
    pub fn previous(self) -> Result<FinancialYear, CalendarError> {
        FinancialYear::starting(self.start - 1)
    }

    /// The twelve months, April first.
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
    pub fn quarters(self) -> [Quarter; 4] {
        QuarterOfYear::ALL.map(|q| Quarter { year: self, of_year: q })
    }

    /// The quarter `q` of this year.
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
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let start: i32 = a.parse().map_err(|_| bad())?;
        let next = start + 1;
        let ok = match b.len() {
            2 => b.parse::<i32>().ok() == Some(next.rem_euclid(100)),
            4 => b.parse::<i32>().ok() == Some(next),
            _ => false,
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

/// A calendar month, written `2017-06`.
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
    /// Month `month` (1 to 12) of calendar year `year`.
    pub fn new(year: i32, month: u32) -> Result<Month, CalendarError> {
        if !(1..=12).contains(&month) {
            return Err(CalendarError::MonthOutOfRange(month));
        }
        if !(MIN_YEAR..=MAX_YEAR + 1).contains(&year) {
            return Err(CalendarError::YearOutOfRange(year));
        }
        Ok(Month { year, month })
    }

    /// The calendar year.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1 (January) to 12.
    pub const fn number(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The number of days in the month (28 to 31).
    pub fn days(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(self.year) => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// The financial year the month belongs to.
    pub fn financial_year(self) -> FinancialYear {
        let start = if self.month >= 4 { self.year } else { self.year - 1 };
        FinancialYear { start }
    }

    /// The month's position in its financial year: 1 for April ... 12 for March.
    pub const fn month_of_year(self) -> u32 {
        if self.month >= 4 {
            self.month - 3
        } else {
            self.month + 9
        }
    }

    /// The quarter the month belongs to.
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
    pub fn next(self) -> Result<Month, CalendarError> {
        if self.month == 12 {
            Month::new(self.year + 1, 1)
        } else {
            Month::new(self.year, self.month + 1)
        }
    }

    /// The board-paper label, `Jun-17`.
    pub fn label(self) -> String {
        let name = MONTH_NAMES.get(self.month as usize - 1).copied().unwrap_or("?");
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

    /// Reads `2017-06` or `Jun-17`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadMonth { input: s.to_string() };
        let t = s.trim();
        let (a, b) = t.split_once('-').ok_or_else(bad)?;
        if a.len() == 4 && a.bytes().all(|c| c.is_ascii_digit()) && b.len() == 2 {
            let year: i32 = a.parse().map_err(|_| bad())?;
            let month: u32 = b.parse().map_err(|_| bad())?;
            return Month::new(year, month).map_err(|_| bad());
        }
        let idx = MONTH_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(a))
            .ok_or_else(bad)?;
        if b.len() != 2 || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let yy: i32 = b.parse().map_err(|_| bad())?;
        Month::new(2000 + yy, idx as u32 + 1).map_err(|_| bad())
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
}
