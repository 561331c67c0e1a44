//! Where a measure stands among its comparators, in quartiles, as councils'
//! dashboards print it ("Top", "Second", "Third", "Bottom"): the 2021/22
//! Leicestershire dashboard rates measures so against the other councils
//! of England (docs/domain.md).
//!
//! The rank is counted, not interpolated: among `n` values (the area's and
//! its comparators'), the area ranks `r` = one more than the number of
//! comparators strictly better than it (ties share the better rank), and
//! its quartile is the `ceil(4r / n)`th from the top. Whole numbers only:
//! no division of figures, no rounding.
//!
//! ```
//! use bcf_model::metrics::{Polarity, Quartile};
//! use rust_decimal::Decimal;
//!
//! let others: Vec<Decimal> = [70, 75, 80, 85, 90, 95, 60].map(Decimal::from).to_vec();
//! // 88 beats all but 90 and 95: rank 3 of 8, the second quartile.
//! let q = Quartile::among(Decimal::from(88), &others, Polarity::HigherIsBetter)?;
//! assert_eq!(q, Quartile::Second);
//! assert_eq!(q.to_string(), "Second");
//! assert_eq!("Top".parse::<Quartile>()?, Quartile::Top);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{MetricError, Polarity};

/// A quarter of a ranking, from the best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quartile {
    /// The best quarter.
    Top,
    /// The second quarter.
    Second,
    /// The third quarter.
    Third,
    /// The worst quarter.
    Bottom,
}

impl Quartile {
    /// The quartile of `value` among itself and `comparators`, better as
    /// `polarity` says.
    ///
    /// # Errors
    ///
    /// [`MetricError::Empty`] if there are no comparators (a value alone is
    /// in no ranking), [`MetricError::Overflow`] if there are more than
    /// `u64` can count.
    pub fn among(value: Decimal, comparators: &[Decimal], polarity: Polarity) -> Result<Quartile, MetricError> {
        if comparators.is_empty() {
            return Err(MetricError::Empty {
                what: "comparators".into(),
            });
        }
        let overflow = || MetricError::Overflow {
            op: "count",
            left: "the comparators".into(),
            right: "4".into(),
        };
        let count = |n: usize| u64::try_from(n).map_err(|_| overflow());
        let better = comparators
            .iter()
            .filter(|c| match polarity {
                Polarity::HigherIsBetter => **c > value,
                Polarity::LowerIsBetter => **c < value,
            })
            .count();
        let rank = count(better)?.checked_add(1).ok_or_else(overflow)?;
        let n = count(comparators.len())?.checked_add(1).ok_or_else(overflow)?;
        // ceil(4 rank / n), in 1..=4 since 1 <= rank <= n.
        let four_r = rank.checked_mul(4).ok_or_else(overflow)?;
        let q = four_r.div_ceil(n);
        Ok(match q {
            0 | 1 => Quartile::Top,
            2 => Quartile::Second,
            3 => Quartile::Third,
            _ => Quartile::Bottom,
        })
    }
}

impl fmt::Display for Quartile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quartile::Top => "Top",
            Quartile::Second => "Second",
            Quartile::Third => "Third",
            Quartile::Bottom => "Bottom",
        })
    }
}

/// A quartile as dashboards print it could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a quartile (expected Top, Second, Third or Bottom)", crate::text::shown(.0))]
pub struct ParseQuartileError(pub String);

impl FromStr for Quartile {
    type Err = ParseQuartileError;

    /// `Top`, `Second`, `Third` or `Bottom` (any case; `First` and
    /// `Fourth` too).
    fn from_str(s: &str) -> Result<Quartile, ParseQuartileError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "top" | "first" => Ok(Quartile::Top),
            "second" => Ok(Quartile::Second),
            "third" => Ok(Quartile::Third),
            "bottom" | "fourth" => Ok(Quartile::Bottom),
            _ => Err(ParseQuartileError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn quartiles_by_rank_both_ways_with_ties_sharing_the_better_rank() {
        // 151 councils: 150 comparators 1..=150 and the area.
        let others: Vec<Decimal> = (1..=150).map(d).collect();
        let q = |v: i64, p| Quartile::among(d(v), &others, p).unwrap();
        assert_eq!(q(200, Polarity::HigherIsBetter), Quartile::Top);
        assert_eq!(q(0, Polarity::HigherIsBetter), Quartile::Bottom);
        assert_eq!(q(0, Polarity::LowerIsBetter), Quartile::Top);
        // 113 better: rank 114 of 151, 4 x 114 = 456, over 453 -> the 4th.
        assert_eq!(q(37, Polarity::HigherIsBetter), Quartile::Bottom);
        // 112 better: rank 113, 452 <= 453 -> the 3rd.
        assert_eq!(q(38, Polarity::HigherIsBetter), Quartile::Third);
        // 75 better than 75: rank 76, 304 over 302 -> the 3rd; 76 is 2nd.
        assert_eq!(q(75, Polarity::HigherIsBetter), Quartile::Third);
        assert_eq!(q(76, Polarity::HigherIsBetter), Quartile::Second);
        assert!(matches!(
            Quartile::among(d(1), &[], Polarity::HigherIsBetter),
            Err(MetricError::Empty { .. })
        ));
        for q in [Quartile::Top, Quartile::Second, Quartile::Third, Quartile::Bottom] {
            assert_eq!(q.to_string().parse::<Quartile>(), Ok(q));
        }
        assert!("Middle".parse::<Quartile>().is_err());
    }
}
