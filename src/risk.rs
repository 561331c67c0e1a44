//! The BCF risk register: `score = likelihood × impact` on 1-5 scales,
//! rated by configurable score bands, inherent and residual, with a trend.
//!
//! ```
//! use bcf_model::risk::{RiskBands, RiskRating, RiskScore};
//!
//! // BCF10: DTOC improvement not achieved in time; iBCF may be withheld
//! let bcf10 = RiskScore::new(3, 4)?;
//! assert_eq!(bcf10.score(), 12);
//! assert_eq!(RiskBands::default().rating(bcf10.score()), RiskRating::High);
//! # Ok::<(), bcf_model::risk::RiskError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::calendar::Month;

/// Why a risk could not be scored or banded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RiskError {
    /// A likelihood or impact outside 1 to 5.
    #[error("{} {value} is outside the 1-5 scale", crate::text::shown(.what))]
    OutOfScale {
        /// `likelihood` or `impact`.
        what: &'static str,
        /// The value given.
        value: u8,
    },
    /// Bands that do not start at 1 or are not in increasing order.
    #[error("risk bands must start at score 1 and increase strictly (problem at band {index})")]
    BadBands {
        /// The position of the offending band.
        index: usize,
    },
}

/// A likelihood and an impact, each 1 (lowest) to 5 (highest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRiskScore")]
pub struct RiskScore {
    likelihood: u8,
    impact: u8,
}

/// The unchecked form of a [`RiskScore`], for deserialising.
#[derive(Deserialize)]
struct RawRiskScore {
    likelihood: u8,
    impact: u8,
}

impl TryFrom<RawRiskScore> for RiskScore {
    type Error = RiskError;
    fn try_from(raw: RawRiskScore) -> Result<Self, Self::Error> {
        RiskScore::new(raw.likelihood, raw.impact)
    }
}

impl RiskScore {
    /// A score; fails unless both are 1 to 5.
    ///
    /// # Errors
    ///
    /// [`RiskError::OutOfScale`] if `likelihood` or `impact` is not 1 to 5.
    pub fn new(likelihood: u8, impact: u8) -> Result<RiskScore, RiskError> {
        for (what, value) in [("likelihood", likelihood), ("impact", impact)] {
            if !(1..=5).contains(&value) {
                return Err(RiskError::OutOfScale { what, value });
            }
        }
        Ok(RiskScore { likelihood, impact })
    }

    /// The likelihood, 1 to 5.
    #[must_use]
    pub const fn likelihood(self) -> u8 {
        self.likelihood
    }

    /// The impact, 1 to 5.
    #[must_use]
    pub const fn impact(self) -> u8 {
        self.impact
    }

    /// `likelihood × impact`, 1 to 25.
    #[must_use]
    pub const fn score(self) -> u8 {
        // Both are at most 5, so the product is at most 25.
        self.likelihood * self.impact
    }
}

impl fmt::Display for RiskScore {
    /// `3 x 4 = 12`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} x {} = {}", self.likelihood, self.impact, self.score())
    }
}

/// A risk rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RiskRating {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
}

impl RiskRating {
    /// `Low`, `Medium`, `High`, `Very high`.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            RiskRating::Low => "Low",
            RiskRating::Medium => "Medium",
            RiskRating::High => "High",
            RiskRating::VeryHigh => "Very high",
        }
    }
}

impl fmt::Display for RiskRating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label())
    }
}

impl FromStr for RiskRating {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Ok(RiskRating::Low),
            "medium" => Ok(RiskRating::Medium),
            "high" => Ok(RiskRating::High),
            "very high" | "veryhigh" | "extreme" => Ok(RiskRating::VeryHigh),
            _ => Err(format!("{s:?} is not a risk rating (Low, Medium, High, Very high)")),
        }
    }
}

/// One band: scores from `from_score` up to the next band's start are rated `rating`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RiskBand {
    /// The lowest score in the band.
    pub from_score: u8,
    /// The rating of the band.
    pub rating: RiskRating,
}

/// Score bands, a parameter. The default is the Leicestershire reading:
/// 1-3 Low, 4-8 Medium, 9-14 High, 15-25 Very high. Only 4 and 6 (Medium)
/// and 9 and 12 (High) are confirmed by the published register; the other
/// boundaries are assumptions to replace with the local policy.
///
/// ```
/// use bcf_model::risk::{RiskBand, RiskBands, RiskRating};
/// let bands = RiskBands::new(vec![
///     RiskBand { from_score: 1, rating: RiskRating::Low },
///     RiskBand { from_score: 5, rating: RiskRating::Medium },
///     RiskBand { from_score: 10, rating: RiskRating::High },
/// ])?;
/// assert_eq!(bands.rating(4), RiskRating::Low);
/// assert_eq!(bands.rating(25), RiskRating::High);
/// # Ok::<(), bcf_model::risk::RiskError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RiskBand>", into = "Vec<RiskBand>")]
pub struct RiskBands {
    bands: Vec<RiskBand>,
}

impl RiskBands {
    /// Bands in increasing order of `from_score`, the first from 1.
    ///
    /// # Errors
    ///
    /// [`RiskError::BadBands`] if `bands` is empty or the first does not start at
    /// score 1 (index 0), or a band does not start above the one before it (its
    /// index).
    pub fn new(bands: Vec<RiskBand>) -> Result<RiskBands, RiskError> {
        match bands.first() {
            Some(b) if b.from_score == 1 => {}
            _ => return Err(RiskError::BadBands { index: 0 }),
        }
        if let Some(index) = bands.windows(2).position(|w| match w {
            [a, b] => a.from_score >= b.from_score,
            _ => false,
        }) {
            return Err(RiskError::BadBands { index: index + 1 });
        }
        Ok(RiskBands { bands })
    }

    /// The bands.
    #[must_use]
    pub fn bands(&self) -> &[RiskBand] {
        &self.bands
    }

    /// The rating of `score` (scores below the first band take its rating).
    #[must_use]
    pub fn rating(&self, score: u8) -> RiskRating {
        self.bands
            .iter()
            .rev()
            .find(|b| b.from_score <= score)
            .or(self.bands.first())
            .map(|b| b.rating)
            .expect("RiskBands::new refuses an empty list, and Default has four bands")
    }
}

impl TryFrom<Vec<RiskBand>> for RiskBands {
    type Error = RiskError;
    fn try_from(bands: Vec<RiskBand>) -> Result<Self, Self::Error> {
        RiskBands::new(bands)
    }
}

impl From<RiskBands> for Vec<RiskBand> {
    fn from(b: RiskBands) -> Self {
        b.bands
    }
}

impl Default for RiskBands {
    fn default() -> Self {
        let band = |from_score, rating| RiskBand { from_score, rating };
        RiskBands {
            bands: vec![
                band(1, RiskRating::Low),
                band(4, RiskRating::Medium),
                band(9, RiskRating::High),
                band(15, RiskRating::VeryHigh),
            ],
        }
    }
}

/// How a risk is moving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Trend {
    /// Reducing.
    Reducing,
    /// Static.
    Static,
    /// Increasing.
    Increasing,
}

impl FromStr for Trend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reducing" | "down" => Ok(Trend::Reducing),
            "static" | "stable" | "same" => Ok(Trend::Static),
            "increasing" | "up" => Ok(Trend::Increasing),
            _ => Err(format!("{s:?} is not a trend (reducing, static, increasing)")),
        }
    }
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Trend::Reducing => "reducing",
            Trend::Static => "static",
            Trend::Increasing => "increasing",
        })
    }
}

/// A risk: inherent (before mitigation) and residual (after) scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// Reference, e.g. `BCF10`.
    pub reference: String,
    /// What the risk is.
    pub summary: String,
    /// When it was raised.
    pub raised: Month,
    /// Before mitigation.
    pub inherent: RiskScore,
    /// After mitigation.
    pub residual: RiskScore,
    /// How it is moving.
    pub trend: Trend,
}

impl Risk {
    /// The inherent rating under `bands`.
    #[must_use]
    pub fn inherent_rating(&self, bands: &RiskBands) -> RiskRating {
        bands.rating(self.inherent.score())
    }

    /// The residual rating under `bands`.
    #[must_use]
    pub fn residual_rating(&self, bands: &RiskBands) -> RiskRating {
        bands.rating(self.residual.score())
    }
}

/// A risk as printed in a register, with the printed score and rating kept
/// for checking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRisk {
    /// The line in the source file.
    pub line: u64,
    /// The risk.
    pub risk: Risk,
    /// The inherent score as printed.
    pub printed_inherent_score: u8,
    /// The inherent rating as printed.
    pub printed_inherent_rating: RiskRating,
    /// The residual score as printed.
    pub printed_residual_score: u8,
}

/// A printed figure in a register that the scores or bands do not reproduce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFinding {
    /// The risk reference.
    pub reference: String,
    /// What differs, e.g. `inherent score printed 9, computed 3 x 2 = 6`.
    pub message: String,
}

impl PublishedRisk {
    /// Where the printed scores and rating differ from `likelihood × impact`
    /// and `bands` (empty when all agree).
    #[must_use]
    pub fn check(&self, bands: &RiskBands) -> Vec<RiskFinding> {
        let mut out = Vec::new();
        let mut finding = |message: String| {
            out.push(RiskFinding {
                reference: self.risk.reference.clone(),
                message,
            })
        };
        let (inh, res) = (self.risk.inherent, self.risk.residual);
        if inh.score() != self.printed_inherent_score {
            finding(format!(
                "inherent score printed {}, computed {inh}",
                self.printed_inherent_score
            ));
        }
        if res.score() != self.printed_residual_score {
            finding(format!(
                "residual score printed {}, computed {res}",
                self.printed_residual_score
            ));
        }
        let rating = self.risk.inherent_rating(bands);
        if rating != self.printed_inherent_rating {
            finding(format!(
                "inherent rating printed {}, bands give {rating} for {}",
                self.printed_inherent_rating,
                inh.score()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_bands_are_checked() {
        assert!(RiskScore::new(0, 3).is_err());
        assert!(RiskScore::new(3, 6).is_err());
        assert!(RiskBands::new(vec![]).is_err());
        let b = |from_score| RiskBand {
            from_score,
            rating: RiskRating::Low,
        };
        assert_eq!(
            RiskBands::new(vec![b(1), b(4), b(4)]),
            Err(RiskError::BadBands { index: 2 })
        );
        assert!(RiskBands::new(vec![b(2)]).is_err());
    }
}
