//! Rates per 100,000, percentages and printed values.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{add, div, mul, mul_exact, round_decimal, sub, AgeBand, MetricError, Population, PopulationBase};
use crate::calendar::{FinancialYear, Month};
use crate::money::{parse_decimal, Format, ParseMoneyErrorKind, Render, Rounding};

/// 100,000: the base of every rate in this crate.
pub const PER_100K: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// A rate per 100,000 of a population (for example delayed days per 100,000
/// adults 18+ in a month). Exact; not money.
///
/// ```
/// use bcf_model::metrics::{Population, Rate};
/// use bcf_model::money::{Precision, Render};
/// use rust_decimal::Decimal;
///
/// let adults = Population::new(546_185)?;
/// let june = Rate::from_count(Decimal::from(1_739), adults)?;
/// assert_eq!(june.render(Precision::PENCE), "318.39");
/// assert_eq!(june.count(adults)?, Decimal::from(1_739));
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl Rate {
    /// Zero per 100,000.
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A rate of `per_100k` per 100,000.
    #[must_use]
    pub const fn new(per_100k: Decimal) -> Rate {
        Rate(per_100k)
    }

    /// The rate per 100,000, exact.
    #[must_use]
    pub const fn per_100k(self) -> Decimal {
        self.0
    }

    /// `count / population × 100,000`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `count × 100,000`, or the quotient, is beyond
    /// the decimal range.
    pub fn from_count(count: Decimal, population: Population) -> Result<Rate, MetricError> {
        div(mul(count, PER_100K)?, population.people(), "population").map(Rate)
    }

    /// The count this rate means in `population`: `rate × population / 100,000`
    /// (not rounded: 630.6 per 100,000 of 139,391 is 878.99...).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `rate × population`, or the quotient, is beyond
    /// the decimal range.
    pub fn count(self, population: Population) -> Result<Decimal, MetricError> {
        div(mul(self.0, population.people())?, PER_100K, "100,000")
    }

    /// `self + other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    pub fn checked_add(self, other: Rate) -> Result<Rate, MetricError> {
        add(self.0, other.0).map(Rate)
    }

    /// `self - other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: Rate) -> Result<Rate, MetricError> {
        sub(self.0, other.0).map(Rate)
    }

    /// `self × factor`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    pub fn checked_mul(self, factor: Decimal) -> Result<Rate, MetricError> {
        mul(self.0, factor).map(Rate)
    }

    /// `self ÷ divisor`, checked: exact when the quotient fits in the
    /// decimal, else rounded half to even in its 28th decimal place.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `divisor` is zero, and
    /// [`MetricError::Overflow`] if the quotient is beyond the decimal range.
    pub fn checked_div(self, divisor: Decimal) -> Result<Rate, MetricError> {
        div(self.0, divisor, "rate divisor").map(Rate)
    }

    /// The mean of `rates` (for example a quarter as the average of its three
    /// monthly rates). Fails on an empty slice.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `rates` is empty, and
    /// [`MetricError::Overflow`] if their sum is beyond the decimal range.
    pub fn mean(rates: &[Rate]) -> Result<Rate, MetricError> {
        let sum = rates.iter().try_fold(Decimal::ZERO, |acc, r| add(acc, r.0))?;
        let n = Decimal::from(rates.len());
        div(sum, n, "number of rates (none given)").map(Rate)
    }

    /// The rate rounded to `decimals` places with `rounding` (presentation only).
    #[must_use]
    pub fn round(self, decimals: u32, rounding: Rounding) -> Rate {
        Rate(round_decimal(self.0, decimals, rounding))
    }
}

impl Render for Rate {
    /// The rate as a plain figure: `318.39` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

/// A rate per 100,000 **per day**: a month's [`Rate`] divided by its days
/// (the 2018/19 papers quote DTOC so, 7.88 a day). A different unit from
/// [`Rate`], so a per-day rate cannot be passed where a monthly one is
/// meant; convert with [`crate::dtoc::per_day`] and
/// [`crate::dtoc::monthly_from_per_day`], exactly.
///
/// ```
/// use bcf_model::dtoc::{monthly_from_per_day, per_day};
/// use bcf_model::metrics::{DailyRate, Rate};
///
/// let may = "2018-05".parse()?;
/// let daily = DailyRate::new("7.8832".parse()?);
/// let monthly: Rate = monthly_from_per_day(daily, may)?; // 7.8832 x 31
/// assert_eq!(monthly, Rate::new("244.3792".parse()?));
/// assert_eq!(per_day(monthly, may)?, daily);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DailyRate(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl DailyRate {
    /// A rate of `per_100k` per 100,000 a day.
    #[must_use]
    pub const fn new(per_100k: Decimal) -> DailyRate {
        DailyRate(per_100k)
    }

    /// The rate per 100,000 a day, exact.
    #[must_use]
    pub const fn per_100k(self) -> Decimal {
        self.0
    }
}

impl Render for DailyRate {
    /// The rate a day as a plain figure: `7.88` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

impl fmt::Display for DailyRate {
    /// The exact rate, unrounded, with its unit: `7.88 a day`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} a day", self.0.normalize())
    }
}

/// A rate per 100,000 in one unit of time: a month ([`Rate`]), a day
/// ([`DailyRate`]) or a year ([`AnnualRate`]). Sealed: the three units are
/// the crate's, so code generic over the unit (such as [`BasedRate`]) knows
/// every one of them.
pub trait RateUnit: Copy + sealed::Sealed {
    /// The period in words, as [`fmt::Display`] writes it: `a month`, `a day`, `a year`.
    const PERIOD: &'static str;

    /// A rate of `per_100k` per 100,000 in this unit.
    fn of_per_100k(per_100k: Decimal) -> Self;

    /// The rate per 100,000, exact.
    fn value_per_100k(self) -> Decimal;

    /// `count / population × 100,000`, the count being the count of this
    /// unit's period (a month's delayed days, a year's admissions).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `count × 100,000`, or the quotient, is
    /// beyond the decimal range.
    fn rate_of(count: Decimal, population: Population) -> Result<Self, MetricError> {
        div(mul(count, PER_100K)?, population.people(), "population").map(Self::of_per_100k)
    }

    /// The count this rate means in `population` in its period:
    /// `rate × population / 100,000`, not rounded.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product, or the quotient, is beyond
    /// the decimal range.
    fn count_in(self, population: Population) -> Result<Decimal, MetricError> {
        div(mul(self.value_per_100k(), population.people())?, PER_100K, "100,000")
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Rate {}
    impl Sealed for super::DailyRate {}
    impl Sealed for super::AnnualRate {}
}

impl RateUnit for Rate {
    const PERIOD: &'static str = "a month";
    fn of_per_100k(per_100k: Decimal) -> Self {
        Rate(per_100k)
    }
    fn value_per_100k(self) -> Decimal {
        self.0
    }
}

impl RateUnit for DailyRate {
    const PERIOD: &'static str = "a day";
    fn of_per_100k(per_100k: Decimal) -> Self {
        DailyRate(per_100k)
    }
    fn value_per_100k(self) -> Decimal {
        self.0
    }
}

impl RateUnit for AnnualRate {
    const PERIOD: &'static str = "a year";
    fn of_per_100k(per_100k: Decimal) -> Self {
        AnnualRate(per_100k)
    }
    fn value_per_100k(self) -> Decimal {
        self.0
    }
}

impl DailyRate {
    /// The month's rate: `daily × days in month` (7.8832 a day is 244.3792
    /// in a 31-day month). Exact whenever the product fits the decimal, as
    /// it does for any rate printed or set to a few decimals; only a daily
    /// rate that is itself a 28-digit quotient (a month's rate divided by
    /// its days) is rounded, half to even in its last place.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::metrics::{DailyRate, Rate};
    /// let may = "2018-05".parse()?;
    /// assert_eq!(DailyRate::new("7.8832".parse()?).over_month(may)?, Rate::new("244.3792".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn over_month(self, month: Month) -> Result<Rate, MetricError> {
        mul(self.0, Decimal::from(month.days())).map(Rate)
    }

    /// The year's rate if every day of `year` is at this rate: `daily ×
    /// days in year` (365 or 366), the sum of [`DailyRate::over_month`]
    /// over its twelve months. Exact as that is.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::metrics::{AnnualRate, DailyRate};
    /// // 7.88 delayed days a day per 100,000 adults through 2018/19 (365 days)
    /// let year = DailyRate::new("7.88".parse()?).over_year("2018/19".parse()?)?;
    /// assert_eq!(year, AnnualRate::new("2876.20".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn over_year(self, year: FinancialYear) -> Result<AnnualRate, MetricError> {
        mul(self.0, Decimal::from(year.days())).map(AnnualRate)
    }
}

impl Rate {
    /// The per-day form of this month's rate: `rate / days in month`;
    /// exact when the quotient terminates within the decimal (244.28 in
    /// May is 7.88 a day), else rounded half to even in its last place.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the quotient is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::metrics::{DailyRate, Rate};
    /// let may = "2018-05".parse()?;
    /// assert_eq!(Rate::new("244.3792".parse()?).per_day_of(may)?, DailyRate::new("7.8832".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn per_day_of(self, month: Month) -> Result<DailyRate, MetricError> {
        div(self.0, Decimal::from(month.days()), "days in the month").map(DailyRate)
    }
}

/// A rate per 100,000 **a year** (permanent admissions of people 65+ to
/// residential and nursing care, printed so: 630.6 per 100,000 65+ a
/// year). A different unit from [`Rate`] (a month) and [`DailyRate`] (a
/// day), so a year's rate cannot be passed where a month's is meant. A
/// year's rate from a month's: [`AnnualRate::from_months`] (the sum of the
/// twelve months) or [`DailyRate::over_year`]; the monthly average of a
/// year's count (non-elective admissions): [`AnnualRate::monthly_average`].
///
/// ```
/// use bcf_model::metrics::{AnnualRate, Population};
/// use bcf_model::money::{Format, Render};
/// use rust_decimal::Decimal;
///
/// // "a maximum of 879 admissions" = 630.6 per 100,000 people 65+ a year
/// let older = Population::new(139_391)?;
/// let target = AnnualRate::new("630.6".parse()?);
/// assert_eq!(target.count(older)?.round(), Decimal::from(879));
/// assert_eq!(AnnualRate::from_count(Decimal::from(879), older)?.render(Format::places(1)?), "630.6");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A year's rate is not a month's:
///
/// ```compile_fail
/// use bcf_model::metrics::{AnnualRate, Rate};
/// fn monthly(_: Rate) {}
/// monthly(AnnualRate::new(rust_decimal::Decimal::from(630)));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnualRate(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl AnnualRate {
    /// Zero per 100,000 a year.
    pub const ZERO: AnnualRate = AnnualRate(Decimal::ZERO);

    /// A rate of `per_100k` per 100,000 a year.
    #[must_use]
    pub const fn new(per_100k: Decimal) -> AnnualRate {
        AnnualRate(per_100k)
    }

    /// The rate per 100,000 a year, exact.
    #[must_use]
    pub const fn per_100k(self) -> Decimal {
        self.0
    }

    /// `count in the year / population × 100,000`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `count × 100,000`, or the quotient, is
    /// beyond the decimal range.
    pub fn from_count(count: Decimal, population: Population) -> Result<AnnualRate, MetricError> {
        AnnualRate::rate_of(count, population)
    }

    /// The year's count this rate means in `population`: `rate × population
    /// / 100,000`, not rounded.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product, or the quotient, is beyond
    /// the decimal range.
    pub fn count(self, population: Population) -> Result<Decimal, MetricError> {
        self.count_in(population)
    }

    /// The year's rate from its twelve monthly rates (of one population):
    /// their sum, exactly, as the year's count is the sum of the months'.
    /// `months` must hold each month of `year` once, in any order.
    ///
    /// # Errors
    ///
    /// [`MetricError::MonthOutsideYear`] for a month of another year,
    /// [`MetricError::MissingMonth`] for a month of `year` not given,
    /// [`MetricError::NotConsecutive`] for a month given twice, and
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::calendar::FinancialYear;
    /// use bcf_model::metrics::{AnnualRate, Rate};
    /// use rust_decimal::Decimal;
    ///
    /// let year: FinancialYear = "2017/18".parse()?;
    /// let months: Vec<_> = year.months().into_iter().map(|m| (m, Rate::new(Decimal::from(250)))).collect();
    /// assert_eq!(AnnualRate::from_months(year, &months)?, AnnualRate::new(Decimal::from(3_000)));
    /// assert!(AnnualRate::from_months(year, &months[1..]).is_err()); // April missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_months(year: FinancialYear, months: &[(Month, Rate)]) -> Result<AnnualRate, MetricError> {
        if let Some((month, _)) = months.iter().find(|(m, _)| m.financial_year() != year) {
            return Err(MetricError::MonthOutsideYear { month: *month, year });
        }
        let mut sum = Decimal::ZERO;
        for expected in year.months() {
            let mut given = months.iter().filter(|(m, _)| *m == expected);
            let (_, rate) = given.next().ok_or_else(|| MetricError::MissingMonth {
                what: format!("the months of {year}"),
                month: expected,
            })?;
            if given.next().is_some() {
                return Err(MetricError::NotConsecutive {
                    what: format!("the months of {year} (a month given twice)"),
                    previous: expected,
                    month: expected,
                });
            }
            sum = add(sum, rate.per_100k())?;
        }
        Ok(AnnualRate(sum))
    }

    /// The monthly average of this year's rate, `rate / 12`: how
    /// non-elective admissions are printed (a year's admissions, per
    /// 100,000 a month). Exact when the quotient terminates within the
    /// decimal, else rounded half to even in its last place.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the quotient is beyond the decimal range.
    pub fn monthly_average(self) -> Result<Rate, MetricError> {
        div(self.0, Decimal::from(12), "twelve months").map(Rate)
    }

    /// The year's rate whose monthly average is `monthly`: `monthly × 12`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the product is beyond the decimal range.
    pub fn from_monthly_average(monthly: Rate) -> Result<AnnualRate, MetricError> {
        mul_exact(monthly.per_100k(), Decimal::from(12)).map(AnnualRate)
    }

    /// `self + other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the sum is beyond the decimal range.
    pub fn checked_add(self, other: AnnualRate) -> Result<AnnualRate, MetricError> {
        add(self.0, other.0).map(AnnualRate)
    }

    /// `self - other`, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: AnnualRate) -> Result<AnnualRate, MetricError> {
        sub(self.0, other.0).map(AnnualRate)
    }

    /// The rate rounded to `decimals` places with `rounding` (presentation only).
    #[must_use]
    pub fn round(self, decimals: u32, rounding: Rounding) -> AnnualRate {
        AnnualRate(round_decimal(self.0, decimals, rounding))
    }
}

impl Render for AnnualRate {
    /// The rate a year as a plain figure: `630.6` to one place.
    fn render(&self, format: impl Into<Format>) -> String {
        self.0.render(format)
    }
}

impl fmt::Display for AnnualRate {
    /// The exact rate, unrounded, with its unit: `630.6 a year`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} a year", self.0.normalize())
    }
}

/// A rate per 100,000 with the age band of the population it was made
/// with (`R` is [`Rate`], [`DailyRate`] or [`AnnualRate`]): the count it
/// means is taken only in a population of that band, so 630.6 per 100,000
/// people 65+ cannot be turned into admissions with the adults 18+.
///
/// ```
/// use bcf_model::calendar::FinancialYear;
/// use bcf_model::metrics::{ids, AgeBand, AnnualRate, BasedRate, Population, PopulationBase};
/// use rust_decimal::Decimal;
///
/// let year: FinancialYear = "2017/18".parse()?;
/// let base = |band, people| -> Result<PopulationBase, bcf_model::metrics::MetricError> {
///     Ok(PopulationBase {
///         metric: ids::PERMANENT_ADMISSIONS_65.to_string(),
///         year,
///         band,
///         source: "implied by 879 admissions = 630.6".to_string(),
///         vintage: "2017/18 BCF plan".to_string(),
///         population: Population::new(people)?,
///     })
/// };
/// let older = base(AgeBand::Older65Plus, 139_391)?;
/// let target = BasedRate::new(AnnualRate::new("630.6".parse()?), AgeBand::Older65Plus);
/// assert_eq!(target.to_string(), "630.6 per 100,000 65+ a year");
/// assert_eq!(target.count(&older)?.round(), Decimal::from(879));
/// assert!(target.count(&base(AgeBand::Adults18Plus, 546_185)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BasedRate<R> {
    rate: R,
    band: AgeBand,
}

impl<R: RateUnit> BasedRate<R> {
    /// `rate` per 100,000 of a population of `band`.
    #[must_use]
    pub const fn new(rate: R, band: AgeBand) -> BasedRate<R> {
        BasedRate { rate, band }
    }

    /// `count / population × 100,000`, keeping the band of `base`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `count × 100,000`, or the quotient, is
    /// beyond the decimal range.
    pub fn from_count(count: Decimal, base: &PopulationBase) -> Result<BasedRate<R>, MetricError> {
        Ok(BasedRate {
            rate: R::rate_of(count, base.population)?,
            band: base.band.clone(),
        })
    }

    /// The rate, in its unit.
    #[must_use]
    pub fn rate(&self) -> R {
        self.rate
    }

    /// The age band of the population the rate is per 100,000 of.
    #[must_use]
    pub fn band(&self) -> &AgeBand {
        &self.band
    }

    /// The count this rate means in `base` (not rounded).
    ///
    /// # Errors
    ///
    /// [`MetricError::WrongBand`] if `base` is of another age band, and
    /// [`MetricError::Overflow`] if the product, or the quotient, is beyond
    /// the decimal range.
    pub fn count(&self, base: &PopulationBase) -> Result<Decimal, MetricError> {
        if base.band != self.band {
            return Err(MetricError::WrongBand {
                rate: self.band.clone(),
                base: base.band.clone(),
            });
        }
        self.rate.count_in(base.population)
    }
}

impl<R: RateUnit> fmt::Display for BasedRate<R> {
    /// The exact rate with its base and unit: `630.6 per 100,000 65+ a year`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.rate.value_per_100k().normalize();
        match &self.band {
            AgeBand::AllAges => write!(f, "{value} per 100,000 {}", R::PERIOD),
            band => write!(f, "{value} per 100,000 {band} {}", R::PERIOD),
        }
    }
}

impl fmt::Display for Rate {
    /// The exact rate, unrounded, with no unit: `318.39`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0.normalize().to_string())
    }
}

/// A percentage, held in percentage points (`Percent::new(5.06)` is 5.06%).
/// Exact; not money and not a [`Rate`].
///
/// ```
/// use bcf_model::metrics::Percent;
/// use bcf_model::money::{Format, Render};
/// use rust_decimal::Decimal;
///
/// // 844 of 1,000 people still at home after 91 days
/// let p = Percent::of(Decimal::from(844), Decimal::from(1_000))?;
/// assert_eq!(p.render(Format::places(1)?), "84.4%");
/// assert_eq!(p.part_of(Decimal::from(1_000))?, Decimal::from(844));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percent(#[serde(with = "rust_decimal::serde::str")] Decimal);

impl Percent {
    /// `points` percent.
    #[must_use]
    pub const fn new(points: Decimal) -> Percent {
        Percent(points)
    }

    /// The percentage points, exact.
    #[must_use]
    pub const fn points(self) -> Decimal {
        self.0
    }

    /// `part / whole × 100`.
    ///
    /// # Errors
    ///
    /// [`MetricError::DivisionByZero`] if `whole` is zero, and
    /// [`MetricError::Overflow`] if `part × 100`, or the quotient, is beyond the
    /// decimal range.
    pub fn of(part: Decimal, whole: Decimal) -> Result<Percent, MetricError> {
        div(mul(part, Decimal::ONE_HUNDRED)?, whole, "the whole (denominator)").map(Percent)
    }

    /// The part of `whole` this percentage is: `points × whole / 100`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if `points × whole` is beyond the decimal range.
    pub fn part_of(self, whole: Decimal) -> Result<Decimal, MetricError> {
        div(mul(self.0, whole)?, Decimal::ONE_HUNDRED, "100")
    }

    /// `self - other` in percentage points, checked.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn checked_sub(self, other: Percent) -> Result<Percent, MetricError> {
        sub(self.0, other.0).map(Percent)
    }

    /// The percentage rounded to `decimals` places (presentation only).
    #[must_use]
    pub fn round(self, decimals: u32, rounding: Rounding) -> Percent {
        Percent(round_decimal(self.0, decimals, rounding))
    }
}

impl Render for Percent {
    /// The percentage with a `%` sign: `5.06%` to two places.
    fn render(&self, format: impl Into<Format>) -> String {
        format!("{}%", self.0.render(format))
    }
}

impl fmt::Display for Percent {
    /// The exact percentage, unrounded: `5.06%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}%", self.0.normalize()))
    }
}

/// A figure as printed in a paper: its value and how many decimals it was
/// printed to, which bounds the true value to within half a last digit.
///
/// ```
/// use bcf_model::metrics::PrintedValue;
/// use rust_decimal::Decimal;
///
/// let p: PrintedValue = "318.39".parse()?;
/// assert_eq!(p.decimals, 2);
/// assert_eq!(p.bounds()?, (Decimal::new(318_385, 3), Decimal::new(318_395, 3)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrintedValue {
    /// The value as printed.
    pub value: Decimal,
    /// Digits printed after the decimal point.
    pub decimals: u32,
}

impl PrintedValue {
    /// A value printed to `decimals` places.
    #[must_use]
    pub const fn new(value: Decimal, decimals: u32) -> PrintedValue {
        PrintedValue { value, decimals }
    }

    /// Half a unit in the last printed place (`0.005` for two decimals):
    /// `5 × 10^-(decimals + 1)`. A figure printed to more than 27 decimals
    /// has no half step in the decimal range: an error, never a wider one.
    ///
    /// # Errors
    ///
    /// [`MetricError::PrecisionOutOfRange`] if `decimals` is more than 27.
    pub fn half_step(self) -> Result<Decimal, MetricError> {
        match self.decimals.checked_add(1) {
            Some(scale) if scale <= 28 => Ok(Decimal::new(5, scale)),
            _ => Err(MetricError::PrecisionOutOfRange {
                decimals: self.decimals,
            }),
        }
    }

    /// The interval `[value - half_step, value + half_step)` the true value
    /// lies in if the figure was rounded half away from zero.
    ///
    /// # Errors
    ///
    /// [`MetricError::PrecisionOutOfRange`] if `decimals` is more than 27 (see
    /// [`PrintedValue::half_step`]), and [`MetricError::Overflow`] if a bound is
    /// beyond the decimal range.
    pub fn bounds(self) -> Result<(Decimal, Decimal), MetricError> {
        let h = self.half_step()?;
        Ok((sub(self.value, h)?, add(self.value, h)?))
    }
}

impl FromStr for PrintedValue {
    type Err = String;

    /// Reads `318.39`, `1,739`, `-601` with [`parse_decimal`]: thousands
    /// separators only between groups of three digits before the point, as
    /// [`Money::parse`](crate::money::Money::parse) reads them, so a decimal
    /// comma (`318,39`) or a misplaced one (`2,87.04`) is an error, never a
    /// different number. The number of decimals is taken from the text, so
    /// `87.0` has one.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = parse_decimal(s).map_err(|e| describe_bad_number(s, &e.kind))?;
        Ok(PrintedValue {
            value,
            decimals: value.scale(),
        })
    }
}

/// Why `text` is not a plain decimal number, for a reader's error message
/// (the text is quoted with its control characters escaped).
pub(crate) fn describe_bad_number(text: &str, kind: &ParseMoneyErrorKind) -> String {
    let hint = match kind {
        ParseMoneyErrorKind::BadGrouping => " (a comma separates thousands only; a decimal comma is not read)",
        _ => "",
    };
    format!("{text:?} is not a plain decimal number: {kind}{hint}")
}

impl fmt::Display for PrintedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_conversions() {
        let pop = Population::new(100_000).unwrap();
        let r = Rate::from_count(Decimal::from(5), pop).unwrap();
        assert_eq!(r.per_100k(), Decimal::from(5));
        assert_eq!(r.count(pop).unwrap(), Decimal::from(5));
        assert!(Rate::mean(&[]).is_err());
        assert_eq!(
            Rate::mean(&[Rate::new(Decimal::ONE), Rate::new(Decimal::TWO)]).unwrap(),
            Rate::new(Decimal::new(15, 1))
        );
        assert!(Rate::new(Decimal::MAX).checked_mul(Decimal::TEN).is_err());
    }

    #[test]
    fn printed_values() {
        let p: PrintedValue = "87.0".parse().unwrap();
        assert_eq!(p.decimals, 1);
        let p: PrintedValue = "1,739".parse().unwrap();
        assert_eq!((p.value, p.decimals), (Decimal::from(1_739), 0));
        for bad in ["", "1e3", "abc", "1.2.3", "--1"] {
            assert!(bad.parse::<PrintedValue>().is_err(), "{bad}");
        }
        assert_eq!(Percent::new(Decimal::new(506, 2)).to_string(), "5.06%");
    }
}
