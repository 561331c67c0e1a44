//! Scheme lines stored column-wise, and the views a [`Plan`](super::Plan)
//! hands out over them.
//!
//! A national plan has a million lines and six million amounts. Held as a
//! `Vec` of line structs, each with its own strings, attribute struct and
//! vector of 32-byte amounts, it took about fourteen times the size of its
//! amounts. Here the ids and names of all lines share one string, identical
//! attribute sets are stored once, and each amount is a count of the plan's
//! finest decimal unit beside the number of its *cell* (programme,
//! contributor, year and funding), both in the narrowest integer that holds
//! every value (usually an `i32` and a `u8`: 5 bytes). A [`SchemeLine`] is a
//! view that rebuilds a line's [`LineAmount`]s on demand. The same columns
//! are what reconciliation adds up, so nothing is held twice.

use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

use super::ids::{ContributorIx, PlanKey, ProgrammeIx};
use super::lines::{LineAmount, LineAttributes};
use super::parties::Funding;
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision};

mod fill;
mod views;

pub(crate) use fill::{AmountIssue, LineTableBuilder};
pub use views::{LineAmounts, SchemeLine, SchemeLines, SchemeLinesIter};

/// Where an amount goes: its line's programme, and its contributor, year and
/// funding; and the precision it was printed to. A plan has few distinct
/// cells, however many amounts (most plans have one precision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Cell {
    pub programme: ProgrammeIx,
    pub contributor: ContributorIx,
    pub year: FinancialYear,
    pub funding: Funding,
    pub precision: Option<Precision>,
}

impl Cell {
    /// The same cell with every index stamped with `key`.
    pub(crate) fn with_plan(self, key: PlanKey) -> Cell {
        Cell {
            programme: self.programme.with_plan(key),
            contributor: self.contributor.with_plan(key),
            funding: self.funding.with_plan(key),
            ..self
        }
    }

    /// What makes two amounts of one line the same amount given twice.
    fn key(&self) -> (ContributorIx, FinancialYear, Funding) {
        (self.contributor, self.year, self.funding)
    }
}

/// The values of the amounts, in line order, in the narrowest exact form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Values {
    /// Every amount as an `i32` count of units at `scale` decimal places of
    /// a pound (in pence, anything up to about £21 million).
    Small {
        /// Decimal places of a pound (at most 28).
        scale: u32,
        /// One count per amount.
        units: Vec<i32>,
    },
    /// Every amount as an `i64` count of units at `scale` decimal places.
    Units {
        /// Decimal places of a pound (at most 28).
        scale: u32,
        /// One count per amount.
        units: Vec<i64>,
    },
    /// Amounts that do not fit an `i64` at a common scale, as they are.
    Exact(Vec<Money>),
}

impl Default for Values {
    fn default() -> Values {
        Values::Small {
            scale: 0,
            units: Vec::new(),
        }
    }
}

impl Values {
    /// Encodes `amounts` as units at `scale` in the narrowest integer that
    /// holds every one, else keeps them as they are.
    pub(crate) fn encode(amounts: Vec<Money>, scale: u32) -> Values {
        let mut small = true;
        for m in &amounts {
            match super::columns::units_i64(m.pounds(), scale) {
                Some(u) => small &= i32::try_from(u).is_ok(),
                None => return Values::Exact(amounts),
            }
        }
        let units = amounts
            .iter()
            .filter_map(|m| super::columns::units_i64(m.pounds(), scale));
        if small {
            Values::Small {
                scale,
                units: units.filter_map(|u| i32::try_from(u).ok()).collect(),
            }
        } else {
            Values::Units {
                scale,
                units: units.collect(),
            }
        }
    }

    /// Appends an amount given as `mantissa` units at `scale` decimal
    /// places (at most 28), keeping the narrowest exact form: the units are
    /// rescaled when a finer amount arrives and widened (to `i64`, then to
    /// the amounts as they are) when one no longer fits. The result equals
    /// [`Values::encode`] of the same amounts at the finest scale.
    pub(crate) fn push_units(&mut self, mantissa: i64, scale: u32) {
        // The usual amount: at the scale held, fitting an i32.
        if let Values::Small { scale: at, units } = self {
            if *at == scale {
                if let Ok(u) = i32::try_from(mantissa) {
                    units.push(u);
                    return;
                }
            }
        }
        if scale > self.scale() {
            self.rescale(scale);
        }
        let at = self.scale();
        let units = scale_units(i128::from(mantissa), at.saturating_sub(scale));
        match self {
            Values::Small { units: v, .. } => match units.and_then(|u| i32::try_from(u).ok()) {
                Some(u) => v.push(u),
                None => {
                    self.widen();
                    self.push_units(mantissa, scale);
                }
            },
            Values::Units { units: v, .. } => match units.and_then(|u| i64::try_from(u).ok()) {
                Some(u) => v.push(u),
                None => {
                    self.widen();
                    self.push_units(mantissa, scale);
                }
            },
            Values::Exact(v) => v.push(Money::from_pounds(
                Decimal::try_new(mantissa, scale).expect("a scale of at most 28, as the caller promises"),
            )),
        }
    }

    /// Appends every amount of `other`, as [`push_units`](Self::push_units) does.
    pub(crate) fn extend(&mut self, other: Values) {
        // The usual case, a copy: both in the same form at the same scale.
        let other = match (&mut *self, other) {
            (Values::Small { scale: s, units: u }, Values::Small { scale, units }) if *s == scale => {
                return u.extend_from_slice(&units);
            }
            (Values::Units { scale: s, units: u }, Values::Units { scale, units }) if *s == scale => {
                return u.extend_from_slice(&units);
            }
            (_, other) => other,
        };
        match other {
            Values::Small { scale, units } => units.into_iter().for_each(|u| self.push_units(i64::from(u), scale)),
            Values::Units { scale, units } => units.into_iter().for_each(|u| self.push_units(u, scale)),
            Values::Exact(v) => v.into_iter().for_each(|m| self.push(m)),
        }
    }

    /// Appends `m`, as [`push_units`](Self::push_units) does.
    pub(crate) fn push(&mut self, m: Money) {
        let d = m.pounds();
        match i64::try_from(d.mantissa()) {
            Ok(mantissa) if !matches!(self, Values::Exact(_)) => self.push_units(mantissa, d.scale()),
            _ => {
                while !matches!(self, Values::Exact(_)) {
                    self.widen();
                }
                if let Values::Exact(v) = self {
                    v.push(m);
                }
            }
        }
    }

    /// The scale of the units (0 for amounts held as they are).
    fn scale(&self) -> u32 {
        match self {
            Values::Small { scale, .. } | Values::Units { scale, .. } => *scale,
            Values::Exact(_) => 0,
        }
    }

    /// Holds every amount at `scale` (not coarser than now), widening as
    /// needed; amounts held as they are stay so.
    pub(crate) fn rescale(&mut self, scale: u32) {
        let by = scale.saturating_sub(self.scale());
        if by == 0 {
            return;
        }
        let fits = match self {
            Values::Small { units, .. } => units
                .iter()
                .all(|u| scale_units(i128::from(*u), by).is_some_and(|u| i32::try_from(u).is_ok())),
            Values::Units { units, .. } => units
                .iter()
                .all(|u| scale_units(i128::from(*u), by).is_some_and(|u| i64::try_from(u).is_ok())),
            Values::Exact(_) => return,
        };
        if !fits {
            self.widen();
            return self.rescale(scale);
        }
        let grown = |u: i128| scale_units(u, by).expect("every unit was checked to fit at the finer scale");
        match self {
            Values::Small { scale: s, units } => {
                for u in units.iter_mut() {
                    *u = i32::try_from(grown(i128::from(*u))).expect("checked to fit an i32");
                }
                *s = scale;
            }
            Values::Units { scale: s, units } => {
                for u in units.iter_mut() {
                    *u = i64::try_from(grown(i128::from(*u))).expect("checked to fit an i64");
                }
                *s = scale;
            }
            Values::Exact(_) => {}
        }
    }

    /// The next wider form: `i32` units to `i64`, `i64` units to the amounts.
    fn widen(&mut self) {
        *self = match std::mem::take(self) {
            Values::Small { scale, units } => Values::Units {
                scale,
                units: units.into_iter().map(i64::from).collect(),
            },
            Values::Units { scale, units } => Values::Exact(
                units
                    .into_iter()
                    .map(|u| {
                        Money::from_pounds(
                            Decimal::try_new(u, scale).expect("units were made from a decimal at this scale"),
                        )
                    })
                    .collect(),
            ),
            exact @ Values::Exact(_) => exact,
        };
    }

    /// Room for `n` more amounts.
    pub(crate) fn reserve(&mut self, n: usize) {
        match self {
            Values::Small { units, .. } => units.reserve(n),
            Values::Units { units, .. } => units.reserve(n),
            Values::Exact(v) => v.reserve(n),
        }
    }

    /// Releases unused capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            Values::Small { units, .. } => units.shrink_to_fit(),
            Values::Units { units, .. } => units.shrink_to_fit(),
            Values::Exact(v) => v.shrink_to_fit(),
        }
    }

    /// Whether the amount at `i` is below zero, if there is one.
    fn is_negative(&self, i: usize) -> Option<bool> {
        match self {
            Values::Small { units, .. } => units.get(i).map(|u| *u < 0),
            Values::Units { units, .. } => units.get(i).map(|u| *u < 0),
            Values::Exact(v) => v.get(i).map(|m| m.is_negative()),
        }
    }

    /// Whether the amount at `i` is a whole number of `precision` steps, as
    /// [`Money::is_multiple_of`] says, from its units without making the
    /// amount; `None` if there is no amount at `i`.
    fn is_multiple_of(&self, i: usize, precision: Precision) -> Option<bool> {
        let on_step = |units: i64, scale: u32| crate::money::units_on_step(i128::from(units), scale, precision);
        match self {
            Values::Small { scale, units } => units.get(i).map(|u| on_step(i64::from(*u), *scale)),
            Values::Units { scale, units } => units.get(i).map(|u| on_step(*u, *scale)),
            Values::Exact(v) => v.get(i).map(|m| m.is_multiple_of(precision)),
        }
    }

    /// The amount at `i`, if there is one. (Units were made from amounts
    /// at this scale, at most 28, so they are decimals again.)
    fn get(&self, i: usize) -> Option<Money> {
        let at = |u: i64, scale: u32| {
            Money::from_pounds(Decimal::try_new(u, scale).expect("units were made from a decimal at this scale"))
        };
        match self {
            Values::Small { scale, units } => units.get(i).map(|u| at(i64::from(*u), *scale)),
            Values::Units { scale, units } => units.get(i).map(|u| at(*u, *scale)),
            Values::Exact(v) => v.get(i).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Small { units, .. } => units.len(),
            Values::Units { units, .. } => units.len(),
            Values::Exact(v) => v.len(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Values::Small { units, .. } => units.capacity() * std::mem::size_of::<i32>(),
            Values::Units { units, .. } => units.capacity() * std::mem::size_of::<i64>(),
            Values::Exact(v) => v.capacity() * std::mem::size_of::<Money>(),
        }
    }
}

/// `units` times ten to the `by`, if that fits an `i128` (`None` beyond).
fn scale_units(units: i128, by: u32) -> Option<i128> {
    units.checked_mul(10i128.checked_pow(by)?)
}

/// Positions (of cells, programmes, attribute sets) in the narrowest
/// integer that holds every one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Narrow {
    /// Up to 256 distinct positions (most plans).
    U8(Vec<u8>),
    /// Up to 65,536.
    U16(Vec<u16>),
    /// More.
    U32(Vec<u32>),
}

impl Default for Narrow {
    fn default() -> Narrow {
        Narrow::U8(Vec::new())
    }
}

impl Narrow {
    /// Narrows `ids`, every one below the largest plus one.
    fn from_wide(ids: Vec<u32>) -> Narrow {
        let bound = ids.iter().max().map_or(0, |m| u64::from(*m) + 1);
        if bound <= 1 << 8 {
            Narrow::U8(ids.iter().filter_map(|c| u8::try_from(*c).ok()).collect())
        } else if bound <= 1 << 16 {
            Narrow::U16(ids.iter().filter_map(|c| u16::try_from(*c).ok()).collect())
        } else {
            Narrow::U32(ids)
        }
    }

    /// Appends `id`, widening when it does not fit: equal to
    /// [`Narrow::from_wide`] of the same ids.
    pub(crate) fn push(&mut self, id: u32) {
        match self {
            Narrow::U8(v) => match u8::try_from(id) {
                Ok(c) => v.push(c),
                Err(_) => {
                    *self = match u16::try_from(id) {
                        Ok(_) => Narrow::U16(v.iter().map(|c| u16::from(*c)).collect()),
                        Err(_) => Narrow::U32(v.iter().map(|c| u32::from(*c)).collect()),
                    };
                    self.push(id);
                }
            },
            Narrow::U16(v) => match u16::try_from(id) {
                Ok(c) => v.push(c),
                Err(_) => {
                    *self = Narrow::U32(v.iter().map(|c| u32::from(*c)).collect());
                    self.push(id);
                }
            },
            Narrow::U32(v) => v.push(id),
        }
    }

    /// Appends each of `other`'s positions `c` as `map[c]` (a copy when
    /// `map` is the identity and the forms agree); `None` if one has no
    /// place in `map`.
    pub(crate) fn extend_mapped(&mut self, other: &Narrow, map: &[u32]) -> Option<()> {
        let identity = map.iter().zip(0u32..).all(|(m, i)| *m == i);
        match (&mut *self, other) {
            (Narrow::U8(v), Narrow::U8(o)) if identity => v.extend_from_slice(o),
            _ => {
                for i in 0..other.len() {
                    self.push(*map.get(other.get(i)?)?);
                }
            }
        }
        Some(())
    }

    /// The number of positions.
    fn len(&self) -> usize {
        match self {
            Narrow::U8(v) => v.len(),
            Narrow::U16(v) => v.len(),
            Narrow::U32(v) => v.len(),
        }
    }

    /// Room for `n` more positions.
    pub(crate) fn reserve(&mut self, n: usize) {
        match self {
            Narrow::U8(v) => v.reserve(n),
            Narrow::U16(v) => v.reserve(n),
            Narrow::U32(v) => v.reserve(n),
        }
    }

    /// Releases unused capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        match self {
            Narrow::U8(v) => v.shrink_to_fit(),
            Narrow::U16(v) => v.shrink_to_fit(),
            Narrow::U32(v) => v.shrink_to_fit(),
        }
    }

    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Narrow::U8(v) => v.get(i).map(|c| usize::from(*c)),
            Narrow::U16(v) => v.get(i).map(|c| usize::from(*c)),
            Narrow::U32(v) => v.get(i).and_then(|c| usize::try_from(*c).ok()),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Narrow::U8(v) => v.capacity(),
            Narrow::U16(v) => v.capacity() * 2,
            Narrow::U32(v) => v.capacity() * 4,
        }
    }
}

/// A cell number as a position.
trait CellId: Copy {
    fn ix(self) -> usize;
}

impl CellId for u16 {
    fn ix(self) -> usize {
        usize::from(self)
    }
}

impl CellId for u32 {
    fn ix(self) -> usize {
        usize::try_from(self).expect("a u32 position fits a usize")
    }
}

/// `acc[cell] += units` for every amount, at most 256 cells: the sums are
/// kept in a fixed array the compiler can index without checks.
fn add_by_small_cell<U: Copy + Into<i64>>(acc: &mut [i64], cells: &[u8], units: &[U]) {
    let mut local = [0i64; 256];
    for (u, c) in units.iter().zip(cells) {
        if let Some(a) = local.get_mut(usize::from(*c)) {
            *a = a.wrapping_add((*u).into());
        }
    }
    for (a, l) in acc.iter_mut().zip(local) {
        *a = a.wrapping_add(l);
    }
}

/// `acc[cell] += units` for every amount.
fn add_by_cell<U: Copy + Into<i64>, C: CellId>(acc: &mut [i64], cells: &[C], units: &[U]) {
    for (u, c) in units.iter().zip(cells) {
        if let Some(a) = acc.get_mut(c.ix()) {
            *a = a.wrapping_add((*u).into());
        }
    }
}

/// The scheme lines of a plan, column-wise.
#[derive(Clone, Default)]
pub(crate) struct LineTable {
    /// Every line's id then name, one after the other.
    text: String,
    /// For line `i`: `ends[2i]` is where its id ends in `text`, `ends[2i+1]`
    /// where its name ends (its id starts where the previous name ended).
    /// Offsets are `u32`: a plan's ids and names together stay under 4 GiB.
    ends: Vec<u32>,
    /// Each line's programme.
    programme: Narrow,
    /// Each line's attributes, as a position in `attribute_set`.
    attributes: Narrow,
    /// The distinct attribute sets.
    attribute_set: Vec<LineAttributes>,
    /// For line `i`: where its amounts end (they start where line `i-1`'s end).
    amount_end: Vec<u32>,
    /// The distinct cells.
    pub(crate) cells: Vec<Cell>,
    /// Each amount's cell.
    cell: Narrow,
    /// Each amount's value.
    values: Values,
    /// The key of the plan the positions belong to.
    key: PlanKey,
}

impl fmt::Debug for LineTable {
    /// The lines as views, not the columns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        SchemeLines::new(self).fmt(f)
    }
}

impl LineTable {
    /// The number of lines.
    pub(crate) fn len(&self) -> usize {
        self.amount_end.len()
    }

    /// The number of amounts.
    pub(crate) fn amount_count(&self) -> usize {
        self.values.len()
    }

    /// Adds each amount's units to `acc[its cell]` (wrapping: the caller
    /// has checked no sum overflows); `false`, adding nothing, if the
    /// amounts are not held as units.
    pub(crate) fn add_units_by_cell(&self, acc: &mut [i64]) -> bool {
        match (&self.values, &self.cell) {
            (Values::Small { units, .. }, Narrow::U8(c)) => add_by_small_cell(acc, c, units),
            (Values::Units { units, .. }, Narrow::U8(c)) => add_by_small_cell(acc, c, units),
            (Values::Small { units, .. }, Narrow::U16(c)) => add_by_cell(acc, c, units),
            (Values::Units { units, .. }, Narrow::U16(c)) => add_by_cell(acc, c, units),
            (Values::Small { units, .. }, Narrow::U32(c)) => add_by_cell(acc, c, units),
            (Values::Units { units, .. }, Narrow::U32(c)) => add_by_cell(acc, c, units),
            (Values::Exact(_), _) => return false,
        }
        true
    }

    /// The scale of the units, if the amounts are held as units.
    pub(crate) fn units_scale(&self) -> Option<u32> {
        match &self.values {
            Values::Small { scale, .. } | Values::Units { scale, .. } => Some(*scale),
            Values::Exact(_) => None,
        }
    }

    /// The sum of the magnitudes of the units, if it fits an `i64` (which
    /// bounds every partial sum).
    pub(crate) fn units_magnitude(&self) -> Option<i64> {
        match &self.values {
            Values::Small { units, .. } => units
                .iter()
                .try_fold(0i64, |m, u| m.checked_add(i64::from(*u).checked_abs()?)),
            Values::Units { units, .. } => units.iter().try_fold(0i64, |m, u| m.checked_add(u.checked_abs()?)),
            Values::Exact(_) => None,
        }
    }

    /// How many amounts fall in each cell.
    pub(crate) fn cell_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.cells.len()];
        for i in 0..self.amount_count() {
            if let Some(n) = self.cell.get(i).and_then(|c| counts.get_mut(c)) {
                *n = n.saturating_add(1);
            }
        }
        counts
    }

    /// Piece `k` of the text: line `i`'s id is piece `2i`, its name `2i + 1`,
    /// for a line of the table (the builder wrote both ends of every piece).
    fn piece(&self, k: usize) -> &str {
        let end = |k: usize| {
            let e = self.ends.get(k).expect("a piece of a line of the table");
            usize::try_from(*e).expect("a u32 offset fits a usize")
        };
        let from = k.checked_sub(1).map_or(0, end);
        self.text
            .get(from..end(k))
            .expect("pieces end on the char boundaries the builder wrote")
    }

    /// The positions of line `line`'s amounts, for a line of the table.
    fn amount_range(&self, line: usize) -> Range<usize> {
        let end = |l: usize| {
            let e = self.amount_end.get(l).expect("a line of the table");
            usize::try_from(*e).expect("a u32 offset fits a usize")
        };
        line.checked_sub(1).map_or(0, end)..end(line)
    }

    /// The amount at position `i` of the table.
    fn amount(&self, i: usize) -> Option<LineAmount> {
        let cell = self.cells.get(self.cell.get(i)?)?;
        Some(LineAmount {
            amount: self.values.get(i)?,
            precision: cell.precision,
            contributor: cell.contributor,
            funding: cell.funding,
            year: cell.year,
        })
    }

    /// Every amount's value, in order.
    pub(crate) fn amounts(&self) -> impl Iterator<Item = Money> + '_ {
        (0..self.values.len()).filter_map(|i| self.values.get(i))
    }

    /// The finest decimal scale of any amount.
    pub(crate) fn finest_scale(&self) -> u32 {
        match &self.values {
            // Units at a scale may be finer than any amount needs; that does
            // not change any sum, and the scale is chosen from the amounts.
            Values::Small { scale, units } if !units.is_empty() => *scale,
            Values::Units { scale, units } if !units.is_empty() => *scale,
            Values::Small { .. } | Values::Units { .. } => 0,
            Values::Exact(v) => v.iter().map(|m| m.pounds().scale()).fold(0, u32::max),
        }
    }

    /// Replaces every amount's value with `amounts` (same order and count),
    /// encoded at `scale`.
    pub(crate) fn set_values(&mut self, amounts: Vec<Money>, scale: u32) {
        self.values = Values::encode(amounts, scale);
    }

    /// Bytes held on the heap (by capacity; the allocator's own overhead is not counted).
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.text.capacity()
            + self.ends.capacity() * size_of::<u32>()
            + self.programme.heap_bytes()
            + self.attributes.heap_bytes()
            + self.attribute_set.capacity() * size_of::<LineAttributes>()
            + self.attribute_set.iter().map(attributes_heap_bytes).sum::<usize>()
            + self.amount_end.capacity() * size_of::<u32>()
            + self.cells.capacity() * size_of::<Cell>()
            + self.cell.heap_bytes()
            + self.values.heap_bytes()
    }
}

fn attributes_heap_bytes(a: &LineAttributes) -> usize {
    let s = |o: &Option<String>| o.as_ref().map_or(0, String::capacity);
    s(&a.scheme_type)
        + s(&a.area_of_spend)
        + s(&a.provider)
        + s(&a.ibcf_code)
        + s(&a.subgroup)
        + a.flags.len() * std::mem::size_of::<super::lines::LineFlag>()
}

/// More amounts or distinct cells than a table indexes (over 4 billion), or
/// ids and names over 4 GiB together.
#[derive(Debug)]
pub(crate) struct TooMany;

#[cfg(test)]
mod tests {
    use super::{Narrow, Values};
    use crate::calendar::FinancialYear;
    use crate::money::Money;
    use crate::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
    use crate::reconcile::{reconcile, reconcile_reference};

    /// A balanced plan of `n` programmes of one line each, every amount `pence`.
    fn plan(n: usize, pence: i64) -> Plan {
        let y = FinancialYear::starting(2017).unwrap();
        let mut b = Plan::builder("widths")
            .year(y)
            .contributor("c", "C", ContributorKind::Ccg)
            .source("s", "S", FundingSourceKind::NhsMinimum)
            .allocation("s", "c", y, Money::from_pence(pence * n as i64));
        for p in 0..n {
            b = b
                .programme(&format!("P{p}"), "p")
                .line(LineDraft::new(format!("L{p}"), format!("P{p}"), "l").amount(
                    "c",
                    y,
                    "s",
                    Money::from_pence(pence),
                ));
        }
        b.build().unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn values_pushed_one_by_one_equal_values_encoded_at_the_end() {
        let cases: [&[&str]; 5] = [
            &[],
            &["1", "2.5", "3.25", "0"],
            &["21474836.47", "0.001"],
            &["2147483647", "0.01"],
            &["92233720368547758.07", "0.001", "5"],
        ];
        for case in cases {
            let amounts: Vec<Money> = case.iter().map(|a| m(a)).collect();
            let scale = amounts.iter().map(|a| a.pounds().scale()).fold(0, u32::max);
            let mut pushed = Values::default();
            for a in &amounts {
                pushed.push(*a);
            }
            pushed.rescale(scale);
            assert_eq!(pushed, Values::encode(amounts.clone(), scale), "{case:?}");
            // and a plan one scale finer still
            let mut finer = pushed.clone();
            finer.rescale(scale + 1);
            assert_eq!(finer, Values::encode(amounts, scale + 1), "{case:?}");
        }
        let mut cells = Narrow::default();
        for c in [3u32, 255, 256, 70_000] {
            cells.push(c);
        }
        assert_eq!(cells, Narrow::from_wide(vec![3, 255, 256, 70_000]));
    }

    #[test]
    fn a_resolved_line_s_negative_off_step_and_repeated_amounts_are_reported() {
        use super::{AmountIssue, Cell, LineTableBuilder};
        use crate::money::Precision;
        use crate::plan::{ContributorIx, Funding, LineAttributes, PlanKey, ProgrammeIx, SourceIx};
        let key = PlanKey::default();
        let cell = |c: u32, precision| Cell {
            programme: ProgrammeIx::new(key, 0),
            contributor: ContributorIx::new(key, c),
            year: FinancialYear::starting(2017).unwrap(),
            funding: Funding::Source(SourceIx::new(key, 0)),
            precision,
        };
        let mut b = LineTableBuilder::with_capacity(1, 4, 8);
        b.push_line("L1", "one", ProgrammeIx::new(key, 0), LineAttributes::default())
            .unwrap();
        b.push_amount(cell(0, None), m("-1")).unwrap();
        b.push_amount(cell(1, Some(Precision::POUNDS)), m("2.5")).unwrap();
        b.push_amount(cell(0, Some(Precision::POUNDS)), m("3")).unwrap(); // contributor 0 again
        b.push_line("L2", "two", ProgrammeIx::new(key, 0), LineAttributes::default())
            .unwrap();
        b.push_amount(cell(0, None), m("4")).unwrap(); // another line: no repeat
        let mut found = Vec::new();
        b.check_amounts(|line, j, _, issue| found.push((line, j, issue)));
        assert_eq!(
            found,
            [
                (0, 0, AmountIssue::Negative(m("-1"))),
                (0, 1, AmountIssue::OffStep(m("2.5"), Precision::POUNDS)),
                (0, 2, AmountIssue::Repeated),
            ]
        );
    }

    /// Programmes, pence, and the expected widths.
    type Case = (usize, i64, fn(&Narrow) -> bool, fn(&Values) -> bool);

    #[test]
    fn every_width_of_cell_and_unit_reconciles_as_the_reference() {
        let cases: [Case; 4] = [
            (
                3,
                150,
                |c| matches!(c, Narrow::U8(_)),
                |v| matches!(v, Values::Small { .. }),
            ),
            (
                300,
                150,
                |c| matches!(c, Narrow::U16(_)),
                |v| matches!(v, Values::Small { .. }),
            ),
            (
                70_000,
                3,
                |c| matches!(c, Narrow::U32(_)),
                |v| matches!(v, Values::Small { .. }),
            ),
            (
                3,
                5_000_000_000,
                |c| matches!(c, Narrow::U8(_)),
                |v| matches!(v, Values::Units { .. }),
            ),
        ];
        for (n, pence, cells, values) in cases {
            let plan = plan(n, pence);
            assert!(
                cells(&plan.lines.cell),
                "{n} programmes: {:?}",
                std::mem::discriminant(&plan.lines.cell)
            );
            assert!(values(&plan.lines.values), "{pence} pence");
            assert!(plan.columns().is_some());
            let fast = reconcile(&plan).unwrap();
            assert_eq!(fast, reconcile_reference(&plan).unwrap());
            assert!(fast.is_balanced());
            let line = plan.lines().get(n - 1).unwrap();
            assert_eq!(line.amounts().next().map(|a| a.amount), Some(Money::from_pence(pence)));
        }
    }

    proptest::proptest! {
        /// A held amount is on a step exactly when the amount it stands for
        /// is, in every form the values take (`i32` or `i64` units, or
        /// amounts as they are).
        #[test]
        fn held_amounts_are_on_step_as_their_amounts_are(
            amounts in proptest::collection::vec(
                (
                    proptest::prop_oneof![-100_000i64..100_000, proptest::num::i64::ANY],
                    0u32..=20,
                ),
                1..8,
            ),
            exact in proptest::bool::ANY,
            unit in proptest::sample::select(vec![
                crate::money::Unit::Pounds,
                crate::money::Unit::Thousands,
                crate::money::Unit::Millions,
            ]),
            decimals in 0u8..=8,
        ) {
            let precision = crate::money::Precision::checked(unit, decimals).expect("at most 8 decimals");
            let mut values = Values::default();
            if exact {
                values.widen();
                values.widen();
            }
            let mut amounts_held = Vec::new();
            for (units, scale) in amounts {
                let m = Money::from_pounds(rust_decimal::Decimal::new(units, scale));
                values.push(m);
                amounts_held.push(m);
            }
            for (i, m) in amounts_held.iter().enumerate() {
                proptest::prop_assert_eq!(values.get(i), Some(*m));
                proptest::prop_assert_eq!(values.is_multiple_of(i, precision), Some(m.is_multiple_of(precision)));
            }
            proptest::prop_assert_eq!(values.is_multiple_of(amounts_held.len(), precision), None);
        }
    }
}
