//! Rounded presentations that add up.
//!
//! Printing each figure rounded on its own is why published tables miss their
//! totals. [`present_table`] rounds a table so that its rows *and* its columns
//! add up to their rounded totals (controlled rounding). [`present`] rounds a hierarchy of exact figures (a total and its
//! parts, each part possibly a total of its own parts) so that the rounded
//! parts always add to the rounded total: the grand total is rounded
//! normally, then each total's rounded value is shared among its parts by the
//! largest-remainder method. Each figure ends within less than one printed
//! step of its exact value, and the fewest possible figures differ from their
//! ordinary rounding; those are marked `adjusted`.
//!
//! ```
//! use bcf_model::present::{present, Breakdown};
//! use bcf_model::money::{Money, Precision, Rounding};
//!
//! // 3 x £33.33 plus a penny: each rounds to £33, but the total is £100
//! let parts = vec![
//!     Breakdown::leaf("a", Money::from_pence(3_334)),
//!     Breakdown::leaf("b", Money::from_pence(3_333)),
//!     Breakdown::leaf("c", Money::from_pence(3_333)),
//! ];
//! let total = Breakdown::total("total", parts)?;
//! let shown = present(&total, Precision::POUNDS, Rounding::HalfAwayFromZero)?;
//! assert_eq!(shown.rounded, Money::from_pence(10_000));
//! let parts: Vec<Money> = shown.parts.iter().map(|p| p.rounded).collect();
//! assert_eq!(parts, vec![Money::from_pence(3_400), Money::from_pence(3_300), Money::from_pence(3_300)]);
//! assert!(shown.parts[0].adjusted);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chart;
mod circulation;
mod quarterly;
mod returns;
mod table;

pub use chart::{rag_chart_svg, ChartPoint};
pub use quarterly::present_quarterly;
pub use returns::{present_reconciliation, present_return, present_year_end};
pub use table::{present_table, PresentationContext, PresentedTable, PresentedValue, Table, TableFigure};

use serde::{Deserialize, Serialize};

use crate::money::{steps_to_money, Money, MoneyError, Precision, Rounding};

/// An exact figure to present with its breakdown: a leaf amount, or a total
/// of parts (each possibly a total of its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Its label.
    pub label: String,
    /// Its exact value (for a total, the exact sum of its parts).
    pub exact: Money,
    /// Its parts (empty for a leaf).
    pub parts: Vec<Breakdown>,
}

impl Breakdown {
    /// A figure with no parts.
    pub fn leaf(label: impl Into<String>, exact: Money) -> Breakdown {
        Breakdown {
            label: label.into(),
            exact,
            parts: Vec::new(),
        }
    }

    /// A total of `parts`, its value their exact sum.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum of the parts is beyond the decimal
    /// range.
    pub fn total(label: impl Into<String>, parts: Vec<Breakdown>) -> Result<Breakdown, MoneyError> {
        let exact = Money::checked_sum(parts.iter().map(|p| p.exact))?;
        Ok(Breakdown {
            label: label.into(),
            exact,
            parts,
        })
    }
}

/// A figure as presented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presented {
    /// Its label.
    pub label: String,
    /// Its exact value.
    pub exact: Money,
    /// The value to print: its parts' printed values add up to it.
    pub rounded: Money,
    /// What ordinary rounding on its own would have printed.
    pub ordinary: Money,
    /// Whether `rounded` differs from `ordinary` (the figure was adjusted so
    /// that the table adds up).
    pub adjusted: bool,
    /// Its parts, presented.
    pub parts: Vec<Presented>,
}

impl Presented {
    /// Every presented figure, depth first, parents before their parts.
    #[must_use]
    pub fn iter(&self) -> Vec<&Presented> {
        let mut out = vec![self];
        for p in &self.parts {
            out.extend(p.iter());
        }
        out
    }

    /// The figures that were adjusted away from their ordinary rounding.
    #[must_use]
    pub fn adjusted(&self) -> Vec<&Presented> {
        self.iter().into_iter().filter(|p| p.adjusted).collect()
    }
}

/// Why a presentation could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PresentError {
    /// A total whose exact value is not the sum of its parts.
    #[error("{label:?}: its value {exact} is not the sum of its parts {sum}")]
    NotASum {
        /// The total's label.
        label: String,
        /// Its stated value.
        exact: Money,
        /// The sum of its parts.
        sum: Money,
    },
    /// A table whose rows are not all as long as the first.
    #[error("row {row} has {len} cells where the first row has {expected}")]
    Ragged {
        /// The row (0-based).
        row: usize,
        /// Its number of cells.
        len: usize,
        /// The first row's number of cells.
        expected: usize,
    },
    /// A pinned figure that cannot print as pinned: not the floor or the
    /// ceiling of its exact value, a figure the table does not have, or one
    /// pinned twice to different values.
    #[error("the pin of {figure} at {pinned} is refused: {why}")]
    PinOutOfReach {
        /// The figure, in words (`cell (NHS minimum, CCG)`).
        figure: String,
        /// The value it was pinned to.
        pinned: Money,
        /// Why it is refused.
        why: String,
    },
    /// Pins that no rounding adding up in both directions can honour
    /// together.
    #[error("no rounding in which every row and column adds up prints these pinned figures as pinned: {pins}")]
    PinsConflict {
        /// The pinned figures, in words.
        pins: String,
    },
    /// No controlled rounding was found. One always exists for a two-way
    /// table (Bacharach 1966; Cox and Ernst 1982), so this means a defect.
    #[error("no rounding of the table adds up in both directions (a defect: please report it)")]
    NoControlledRounding,
    /// A value beyond the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The whole `precision` steps at or below `m`.
fn floor_steps(m: Money, precision: Precision) -> Result<i128, MoneyError> {
    let toward = m.steps(precision, Rounding::TowardZero)?;
    if m.is_negative() && !m.is_multiple_of(precision) {
        // |toward| < 2^127: one step lower still fits.
        toward.checked_sub(1).ok_or(MoneyError::Overflow {
            op: "round",
            left: m.to_string(),
            right: precision.to_string(),
        })
    } else {
        Ok(toward)
    }
}

/// Presents `figure` and its parts at `precision`, so that every total's
/// parts add up to it exactly. The top figure is rounded with `rounding`;
/// every other figure is the floor or the ceiling of its exact value in
/// printed steps (so within less than one step of it).
///
/// # Errors
///
/// [`PresentError::NotASum`] if a total's exact value is not the exact sum of
/// its parts (at any depth), and [`PresentError::Money`] if a number of steps
/// does not fit an `i128` or a rounded figure is beyond the decimal range.
pub fn present(figure: &Breakdown, precision: Precision, rounding: Rounding) -> Result<Presented, PresentError> {
    let top = figure.exact.steps(precision, rounding)?;
    present_with(figure, top, precision, rounding)
}

fn present_with(
    figure: &Breakdown,
    steps: i128,
    precision: Precision,
    rounding: Rounding,
) -> Result<Presented, PresentError> {
    let e = precision.exponent();
    let money = |s: i128| {
        steps_to_money(s, e).ok_or(MoneyError::Overflow {
            op: "round",
            left: figure.exact.to_string(),
            right: precision.to_string(),
        })
    };
    let rounded = money(steps)?;
    let ordinary = figure.exact.round(precision, rounding)?;
    let mut parts = Vec::with_capacity(figure.parts.len());
    if !figure.parts.is_empty() {
        let sum = Money::checked_sum(figure.parts.iter().map(|p| p.exact))?;
        if sum != figure.exact {
            return Err(PresentError::NotASum {
                label: figure.label.clone(),
                exact: figure.exact,
                sum,
            });
        }
        // Floor of each part in steps, and what is left over (in [0, 1) step).
        let mut floors = Vec::with_capacity(figure.parts.len());
        let mut rems: Vec<(Money, usize)> = Vec::with_capacity(figure.parts.len());
        for (i, p) in figure.parts.iter().enumerate() {
            let floor = floor_steps(p.exact, precision)?;
            let rem = p.exact.checked_sub(money(floor)?)?;
            floors.push(floor);
            rems.push((rem, i));
        }
        let floor_sum: i128 = floors.iter().sum();
        // 0 <= leftover <= number of parts with a remainder (see the module docs).
        let mut leftover = steps - floor_sum;
        // Largest remainder first; among equals, prefer a part whose ordinary
        // rounding goes up, then the earlier part.
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut up = vec![false; floors.len()];
        for (rem, i) in rems {
            if leftover <= 0 || rem.is_zero() {
                break;
            }
            if let Some(u) = up.get_mut(i) {
                *u = true;
                leftover -= 1;
            }
        }
        for ((p, floor), u) in figure.parts.iter().zip(floors).zip(up) {
            parts.push(present_with(p, floor + i128::from(u), precision, rounding)?);
        }
    }
    Ok(Presented {
        label: figure.label.clone(),
        exact: figure.exact,
        rounded,
        ordinary,
        adjusted: rounded != ordinary,
        parts,
    })
}
