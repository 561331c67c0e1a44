//! Monthly DTOC targets: a [`Trajectory`] from a profile or a straight line,
//! its quarterly averages and variances, and the published targets.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{FinancialYear, Month, Quarter};
use crate::metrics::{div, mul_exact};
use crate::metrics::{AnnualRate, DailyRate, MetricError, Percent, Population, PrintedValue, Rate};

use super::{days_overflow, DtocMonth, DtocVariance};

/// How a profile (e.g. % of occupied bed days delayed) maps to monthly rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProfileScaling {
    /// The monthly rate is proportional to the profile value.
    PerMonth,
    /// The per-day rate is proportional to the profile value (a bed-day
    /// percentage is a daily measure), so the monthly rate also scales with
    /// the days in the month.
    PerDay,
}

/// Monthly DTOC targets (rates per 100,000 adults per month) for
/// consecutive months.
///
/// ```
/// use bcf_model::dtoc::Trajectory;
/// use bcf_model::metrics::Rate;
/// use bcf_model::money::{Precision, Render};
/// use rust_decimal::Decimal;
///
/// // from 289.91 in April to 223.03 in March, equal monthly steps
/// let t = Trajectory::linear("2017-04".parse()?, Rate::new(Decimal::new(28_991, 2)),
///                            "2018-03".parse()?, Rate::new(Decimal::new(22_303, 2)))?;
/// assert_eq!(t.len(), 12);
/// assert_eq!(t.target("2018-03".parse()?), Some(Rate::new(Decimal::new(22_303, 2))));
/// let may = t.target("2017-05".parse()?).map(|r| r.render(Precision::PENCE));
/// assert_eq!(may.as_deref(), Some("283.83"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(Month, Rate)>", into = "Vec<(Month, Rate)>")]
pub struct Trajectory {
    points: Vec<(Month, Rate)>,
}

impl TryFrom<Vec<(Month, Rate)>> for Trajectory {
    type Error = MetricError;
    fn try_from(points: Vec<(Month, Rate)>) -> Result<Self, Self::Error> {
        Trajectory::new(points)
    }
}

impl From<Trajectory> for Vec<(Month, Rate)> {
    fn from(t: Trajectory) -> Self {
        t.points
    }
}

fn check_consecutive<T>(what: &str, points: &[(Month, T)]) -> Result<(), MetricError> {
    if points.is_empty() {
        return Err(MetricError::Empty { what: what.to_string() });
    }
    for pair in points.windows(2) {
        if let [(previous, _), (month, _)] = pair {
            if previous.next()? != *month {
                return Err(MetricError::NotConsecutive {
                    what: what.to_string(),
                    previous: *previous,
                    month: *month,
                });
            }
        }
    }
    Ok(())
}

impl Trajectory {
    /// A trajectory from targets for consecutive months (no gaps, no repeats).
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if `points` is empty, [`MetricError::NotConsecutive`]
    /// if a month does not follow the one before it (a gap, a repeat or out of
    /// order), and [`MetricError::Calendar`] if a month before the last is March
    /// 9999, which has no month after it.
    pub fn new(points: Vec<(Month, Rate)>) -> Result<Trajectory, MetricError> {
        check_consecutive("trajectory", &points)?;
        Ok(Trajectory { points })
    }

    /// From `from` in `start` to `to` in `end` in equal monthly steps. Both
    /// ends are exact; `end` must not be before `start` (a single month takes `to`).
    ///
    /// # Errors
    ///
    /// [`MetricError::NotConsecutive`] if `end` is before `start`, and
    /// [`MetricError::Overflow`] if a target is beyond the decimal range.
    pub fn linear(start: Month, from: Rate, end: Month, to: Rate) -> Result<Trajectory, MetricError> {
        let mut months = vec![start];
        let mut m = start;
        while m < end {
            m = m.next()?;
            months.push(m);
        }
        if m != end {
            return Err(MetricError::NotConsecutive {
                what: "linear trajectory (end before start)".to_string(),
                previous: start,
                month: end,
            });
        }
        let last = months.len().saturating_sub(1);
        let steps = Decimal::from(last);
        let span = to.checked_sub(from)?.per_100k();
        let points = months
            .into_iter()
            .enumerate()
            .map(|(i, month)| {
                // to - span × steps left / steps: multiplied exactly first and
                // divided once, so exactly `to` at the end and `from` at the
                // start, and every target exact when it fits in the decimal.
                let left = Decimal::from(last - i);
                let back = if left.is_zero() {
                    Decimal::ZERO
                } else {
                    div(mul_exact(span, left)?, steps, "months")?
                };
                Ok((month, to.checked_sub(Rate::new(back))?))
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(Trajectory { points })
    }

    /// Monthly targets that follow `profile` (consecutive months, e.g. the
    /// LLR % of occupied bed days delayed, 5.06% in May-17 to 3.50% in
    /// Mar-18) and end exactly at `end_target` in the profile's last month:
    /// `target(m) = end_target × w(m) / w(last)` with `w` the profile value
    /// (times the days in the month for [`ProfileScaling::PerDay`]). The
    /// product is exact and divided once, last, so a target is exact
    /// whenever it fits in the decimal (7.8832 a day is 244.3792 in a 31-day
    /// month); a product too long for the decimal is an overflow error.
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if `profile` is empty,
    /// [`MetricError::NotConsecutive`] or [`MetricError::Calendar`] if its months
    /// are not consecutive (as for [`Trajectory::new`]),
    /// [`MetricError::DivisionByZero`] if the weight of the last month is zero,
    /// and [`MetricError::Overflow`] if a weight or a target is beyond the decimal
    /// range.
    pub fn from_profile(
        profile: &[(Month, Percent)],
        end_target: Rate,
        scaling: ProfileScaling,
    ) -> Result<Trajectory, MetricError> {
        check_consecutive("profile", profile)?;
        let weight = |(m, p): &(Month, Percent)| match scaling {
            ProfileScaling::PerMonth => Ok(p.points()),
            ProfileScaling::PerDay => p
                .points()
                .checked_mul(Decimal::from(m.days()))
                .ok_or_else(|| days_overflow("profile weight")),
        };
        let last = profile.last().ok_or_else(|| MetricError::Empty {
            what: "profile".to_string(),
        })?;
        let w_last = weight(last)?;
        if w_last.is_zero() {
            return Err(MetricError::DivisionByZero {
                what: "profile value in the last month".to_string(),
            });
        }
        let points = profile
            .iter()
            .map(|point| {
                let w = weight(point)?;
                // A month weighted as the last takes the end target itself.
                let target = if w == w_last {
                    end_target.per_100k()
                } else {
                    div(
                        mul_exact(end_target.per_100k(), w)?,
                        w_last,
                        "profile value in the last month",
                    )?
                };
                Ok((point.0, Rate::new(target)))
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(Trajectory { points })
    }

    /// A trajectory from per-day targets for consecutive months (a
    /// [`DailyRate`] a month, as the 2018/19 papers set DTOC), each held
    /// as its month's rate: `daily × days in month` ([`DailyRate::over_month`],
    /// exact; 7.8832 a day is 244.3792 in May).
    ///
    /// # Errors
    ///
    /// As [`Trajectory::new`] for the months ([`MetricError::Empty`],
    /// [`MetricError::NotConsecutive`], [`MetricError::Calendar`]), and
    /// [`MetricError::Overflow`] if a month's rate is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::dtoc::Trajectory;
    /// use bcf_model::metrics::{DailyRate, Rate};
    ///
    /// let t = Trajectory::from_daily(vec![
    ///     ("2018-05".parse()?, DailyRate::new("7.8832".parse()?)),
    ///     ("2018-06".parse()?, DailyRate::new("7.88".parse()?)),
    /// ])?;
    /// assert_eq!(t.target("2018-05".parse()?), Some(Rate::new("244.3792".parse()?)));
    /// assert_eq!(t.target("2018-06".parse()?), Some(Rate::new("236.40".parse()?)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_daily(points: Vec<(Month, DailyRate)>) -> Result<Trajectory, MetricError> {
        check_consecutive("per-day trajectory", &points)?;
        let points = points
            .into_iter()
            .map(|(month, daily)| Ok((month, daily.over_month(month)?)))
            .collect::<Result<Vec<_>, MetricError>>()?;
        Ok(Trajectory { points })
    }

    /// One per-day target for every month from `start` to `end` inclusive,
    /// each month holding `daily × its days` (so a 31-day month's target is
    /// above a 30-day month's, and February's the lowest).
    ///
    /// # Errors
    ///
    /// [`MetricError::NotConsecutive`] if `end` is before `start`,
    /// [`MetricError::Calendar`] past March 9999, and
    /// [`MetricError::Overflow`] if a month's rate is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::dtoc::Trajectory;
    /// use bcf_model::metrics::{AnnualRate, DailyRate, Rate};
    ///
    /// // 7.88 a day through 2018/19
    /// let t = Trajectory::daily("2018-04".parse()?, "2019-03".parse()?, DailyRate::new("7.88".parse()?))?;
    /// assert_eq!(t.target("2019-02".parse()?), Some(Rate::new("220.64".parse()?)));
    /// assert_eq!(t.year_total("2018/19".parse()?)?, AnnualRate::new("2876.20".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn daily(start: Month, end: Month, target: DailyRate) -> Result<Trajectory, MetricError> {
        if end < start {
            return Err(MetricError::NotConsecutive {
                what: "per-day trajectory (end before start)".to_string(),
                previous: start,
                month: end,
            });
        }
        let mut points = vec![(start, target)];
        let mut m = start;
        while m < end {
            m = m.next()?;
            points.push((m, target));
        }
        Trajectory::from_daily(points)
    }

    /// Each month's target per day: its rate over its days
    /// ([`Rate::per_day_of`]; exact when the quotient terminates, as for
    /// a trajectory built [`Trajectory::from_daily`] from short per-day
    /// figures, else rounded in the 28th significant digit).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a quotient is beyond the decimal range.
    pub fn daily_targets(&self) -> Result<Vec<(Month, DailyRate)>, MetricError> {
        self.points.iter().map(|(m, r)| Ok((*m, r.per_day_of(*m)?))).collect()
    }

    /// The year's target per 100,000: the sum of the twelve monthly targets
    /// of `year` ([`AnnualRate::from_months`]), exact.
    ///
    /// # Errors
    ///
    /// [`MetricError::MissingMonth`] if the trajectory does not cover every
    /// month of `year`, and [`MetricError::Overflow`] if the sum is beyond
    /// the decimal range.
    pub fn year_total(&self, year: FinancialYear) -> Result<AnnualRate, MetricError> {
        let months: Vec<(Month, Rate)> = self
            .points
            .iter()
            .copied()
            .filter(|(m, _)| m.financial_year() == year)
            .collect();
        AnnualRate::from_months(year, &months)
    }

    /// The target for `month`, if the trajectory covers it.
    #[must_use]
    pub fn target(&self, month: Month) -> Option<Rate> {
        self.points.iter().find(|(m, _)| *m == month).map(|(_, r)| *r)
    }

    /// The months and targets in order.
    pub fn iter(&self) -> impl Iterator<Item = (Month, Rate)> + '_ {
        self.points.iter().copied()
    }

    /// The number of months.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always false: a trajectory has at least one month.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The quarter's target: the average of its three monthly targets.
    ///
    /// # Errors
    ///
    /// [`MetricError::MissingMonth`] if the trajectory does not cover a month of
    /// `quarter`, and [`MetricError::Overflow`] if the sum of the targets is beyond
    /// the decimal range.
    pub fn quarter_average(&self, quarter: Quarter) -> Result<Rate, MetricError> {
        let rates = quarter
            .months()
            .iter()
            .map(|m| {
                self.target(*m).ok_or(MetricError::MissingMonth {
                    what: "trajectory".to_string(),
                    month: *m,
                })
            })
            .collect::<Result<Vec<_>, MetricError>>()?;
        Rate::mean(&rates)
    }

    /// The averages of every quarter the trajectory covers in full, in
    /// order; an average that overflows is an error (never a quarter left out).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a quarter's sum of targets is beyond the
    /// decimal range.
    ///
    /// ```
    /// let quarters = bcf_model::data::leicestershire::dtoc_trajectory_2017_18()?.quarter_averages()?;
    /// assert_eq!(quarters.len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quarter_averages(&self) -> Result<Vec<(Quarter, Rate)>, MetricError> {
        let mut quarters: Vec<Quarter> = self.points.iter().map(|(m, _)| m.quarter()).collect();
        quarters.dedup();
        quarters
            .into_iter()
            .filter(|q| q.months().iter().all(|m| self.target(*m).is_some()))
            .map(|q| Ok((q, self.quarter_average(q)?)))
            .collect()
    }

    /// `actual` against this trajectory's target for its month.
    ///
    /// # Errors
    ///
    /// [`MetricError::MissingMonth`] if the trajectory does not cover the month of
    /// `actual`, and [`MetricError::Overflow`] as for [`DtocMonth::variance`].
    pub fn variance(&self, actual: &DtocMonth, adults: Population) -> Result<DtocVariance, MetricError> {
        let target = self.target(actual.month()).ok_or(MetricError::MissingMonth {
            what: "trajectory".to_string(),
            month: actual.month(),
        })?;
        actual.variance(target, adults)
    }
}

/// One row of the published 2017/18 DTOC trajectory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDtocTarget {
    /// The month.
    pub month: Month,
    /// The LLR target for % of occupied bed days delayed (none for April).
    pub llr_percent_target: Option<Percent>,
    /// Leicestershire's target, delayed days per 100,000 adults 18+, as printed.
    pub target: PrintedValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_reject_gaps() {
        let r = Rate::new(Decimal::ONE);
        let a: Month = "2017-04".parse().unwrap();
        let c: Month = "2017-06".parse().unwrap();
        assert!(Trajectory::new(vec![(a, r), (c, r)]).is_err());
        assert!(Trajectory::new(vec![(a, r), (a, r)]).is_err());
        assert!(Trajectory::new(vec![]).is_err());
        assert!(Trajectory::linear(c, r, a, r).is_err());
        assert_eq!(
            Trajectory::linear(a, r, a, Rate::ZERO).unwrap().target(a),
            Some(Rate::ZERO)
        );
        let zero_end = [
            (a, Percent::new(Decimal::ONE)),
            (a.next().unwrap(), Percent::new(Decimal::ZERO)),
        ];
        assert!(Trajectory::from_profile(&zero_end, r, ProfileScaling::PerMonth).is_err());
    }
}
