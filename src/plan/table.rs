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

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

use super::lines::{LineAmount, LineAttributes, ProgrammeIx};
use super::parties::{ContributorIx, Funding};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision};

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

/// Fills a [`LineTable`] one line at a time.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineTableBuilder {
    table: LineTable,
    /// Each line's programme, before narrowing.
    programme: Vec<u32>,
    /// Each line's attribute set, before narrowing.
    attributes: Vec<u32>,
    /// Each amount's cell, before narrowing.
    cell: Vec<u32>,
    amounts: Vec<Money>,
    cell_ix: HashMap<Cell, u32>,
    attribute_ix: HashMap<LineAttributes, u32>,
}

/// What is wrong with an amount of a resolved line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountIssue {
    /// A negative amount.
    Negative(Money),
    /// An amount not a whole number of steps of its precision.
    OffStep(Money, Precision),
    /// A second amount for the same contributor, year and funding.
    Repeated,
}

/// More amounts or distinct cells than a table indexes (over 4 billion), or
/// ids and names over 4 GiB together.
#[derive(Debug)]
pub(crate) struct TooMany;

impl LineTableBuilder {
    /// A builder with room for `lines` lines and `amounts` amounts.
    pub(crate) fn with_capacity(lines: usize, amounts: usize, text: usize) -> LineTableBuilder {
        let mut b = LineTableBuilder::default();
        b.table.text.reserve_exact(text);
        b.table.ends.reserve_exact(lines.saturating_mul(2));
        b.programme.reserve_exact(lines);
        b.attributes.reserve_exact(lines);
        b.table.amount_end.reserve_exact(lines);
        b.cell.reserve_exact(amounts);
        b.amounts.reserve_exact(amounts);
        b
    }

    /// Starts a new line; its amounts follow with [`push_amount`](Self::push_amount).
    pub(crate) fn push_line(
        &mut self,
        id: &str,
        name: &str,
        programme: ProgrammeIx,
        attributes: LineAttributes,
    ) -> Result<(), TooMany> {
        let t = &mut self.table;
        let offset = |n: usize| u32::try_from(n).map_err(|_| TooMany);
        let id_end = offset(t.text.len().saturating_add(id.len()))?;
        let name_end = offset(t.text.len().saturating_add(id.len()).saturating_add(name.len()))?;
        let amounts_end = offset(self.cell.len())?;
        t.text.push_str(id);
        t.ends.push(id_end);
        t.text.push_str(name);
        t.ends.push(name_end);
        self.programme.push(programme.0);
        self.attributes.push(0);
        t.amount_end.push(amounts_end);
        let line = self.table.len().saturating_sub(1);
        self.set_attributes(line, attributes)
    }

    /// The number of lines so far.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Calls `report` with the line's position, the amount's position on
    /// its line, its cell and what is wrong, for each negative amount, each
    /// amount whose contributor, year and funding an earlier amount of the
    /// same line already has, and each amount that is not a whole number
    /// of steps of the precision it was printed to. Linear in the amounts:
    /// a line with many amounts is checked with a set.
    pub(crate) fn check_amounts(&self, mut report: impl FnMut(usize, usize, Cell, AmountIssue)) {
        let t = &self.table;
        let mut seen = std::collections::HashSet::new();
        for line in 0..t.len() {
            let range = t.amount_range(line);
            let cells = self.cell.get(range.clone()).unwrap_or(&[]);
            let amounts = self.amounts.get(range).unwrap_or(&[]);
            seen.clear();
            for (j, (c, m)) in cells.iter().zip(amounts).enumerate() {
                let Some(cell) = t.cells.get(*c as usize) else { continue };
                if m.is_negative() {
                    report(line, j, *cell, AmountIssue::Negative(*m));
                }
                if let Some(p) = cell.precision.filter(|p| !m.is_multiple_of(*p)) {
                    report(line, j, *cell, AmountIssue::OffStep(*m, p));
                }
                let repeated = if cells.len() <= 16 {
                    cells
                        .get(..j)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|e| t.cells.get(*e as usize))
                        .any(|e| e.key() == cell.key())
                } else {
                    !seen.insert(cell.key())
                };
                if repeated {
                    report(line, j, *cell, AmountIssue::Repeated);
                }
            }
        }
    }

    /// The id of line `line` so far.
    pub(crate) fn id(&self, line: usize) -> &str {
        self.table.piece(2 * line)
    }

    /// The distinct cells so far.
    pub(crate) fn cells(&self) -> &[Cell] {
        &self.table.cells
    }

    /// Replaces the attributes of line `line` (no-op if there is no such line).
    pub(crate) fn set_attributes(&mut self, line: usize, attributes: LineAttributes) -> Result<(), TooMany> {
        let t = &mut self.table;
        let next = u32::try_from(t.attribute_set.len()).map_err(|_| TooMany)?;
        let a = match self.attribute_ix.get(&attributes) {
            Some(a) => *a,
            None => {
                t.attribute_set.push(attributes.clone());
                self.attribute_ix.insert(attributes, next);
                next
            }
        };
        if let Some(slot) = self.attributes.get_mut(line) {
            *slot = a;
        }
        Ok(())
    }

    /// Adds an amount to the line started last.
    pub(crate) fn push_amount(&mut self, cell: Cell, amount: Money) -> Result<(), TooMany> {
        let t = &mut self.table;
        let next = u32::try_from(t.cells.len()).map_err(|_| TooMany)?;
        let end = u32::try_from(self.cell.len().saturating_add(1)).map_err(|_| TooMany)?;
        let c = *self.cell_ix.entry(cell).or_insert_with(|| {
            t.cells.push(cell);
            next
        });
        self.cell.push(c);
        self.amounts.push(amount);
        if let Some(last) = t.amount_end.last_mut() {
            *last = end;
        }
        Ok(())
    }

    /// The finest decimal scale of the amounts added so far.
    pub(crate) fn finest_scale(&self) -> u32 {
        self.amounts.iter().map(|m| m.pounds().scale()).fold(0, u32::max)
    }

    /// The table, with amounts held at `scale` decimal places where they fit.
    pub(crate) fn finish(self, scale: u32) -> LineTable {
        let mut table = self.table;
        table.values = Values::encode(self.amounts, scale);
        table.cell = Narrow::from_wide(self.cell);
        table.text.shrink_to_fit();
        table.ends.shrink_to_fit();
        table.programme = Narrow::from_wide(self.programme);
        table.attributes = Narrow::from_wide(self.attributes);
        table.attribute_set.shrink_to_fit();
        table.amount_end.shrink_to_fit();
        table.cells.shrink_to_fit();
        table
    }
}

/// One scheme line of a [`Plan`](super::Plan): its id, name, programme,
/// [`LineAttributes`] and amounts.
///
/// A view into the plan (which stores its lines column-wise); it is `Copy`
/// and cheap to pass around.
///
/// ```
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let line = plan.lines().get(0).ok_or("no lines")?;
/// assert!(!line.id().is_empty());
/// for amount in line.amounts() {
///     assert!(!amount.amount.is_negative());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct SchemeLine<'a> {
    table: &'a LineTable,
    index: usize,
}

impl<'a> SchemeLine<'a> {
    /// The line's position in the plan.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// A stable id, unique in the plan across scheme and contingency lines.
    #[must_use]
    pub fn id(&self) -> &'a str {
        self.table.piece(2 * self.index)
    }

    /// The line's name as printed.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.table.piece(2 * self.index + 1)
    }

    /// The programme it belongs to.
    #[must_use]
    pub fn programme(&self) -> ProgrammeIx {
        let p = self
            .table
            .programme
            .get(self.index)
            .expect("every line has a programme");
        ProgrammeIx(u32::try_from(p).expect("programme positions were narrowed from u32"))
    }

    /// Its attributes.
    #[must_use]
    pub fn attributes(&self) -> &'a LineAttributes {
        let set = self
            .table
            .attributes
            .get(self.index)
            .expect("every line has an attribute set");
        self.table
            .attribute_set
            .get(set)
            .expect("a line's attribute set is one of the table's")
    }

    /// Its amounts (at most one per contributor, year and funding), in the
    /// order they were given.
    #[must_use]
    pub fn amounts(&self) -> LineAmounts<'a> {
        LineAmounts {
            table: self.table,
            range: self.table.amount_range(self.index),
        }
    }
}

impl PartialEq for SchemeLine<'_> {
    fn eq(&self, other: &SchemeLine<'_>) -> bool {
        self.id() == other.id()
            && self.name() == other.name()
            && self.programme() == other.programme()
            && self.attributes() == other.attributes()
            && self.amounts().eq(other.amounts())
    }
}

impl Eq for SchemeLine<'_> {}

impl fmt::Debug for SchemeLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeLine")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("programme", &self.programme())
            .field("attributes", self.attributes())
            .field("amounts", &self.amounts().collect::<Vec<_>>())
            .finish()
    }
}

/// The amounts of one [`SchemeLine`], rebuilt one at a time.
#[derive(Clone)]
pub struct LineAmounts<'a> {
    table: &'a LineTable,
    range: Range<usize>,
}

impl LineAmounts<'_> {
    /// Whether the line has no amounts left to give.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The `n`th amount left, without using the iterator up.
    #[must_use]
    pub fn get(&self, n: usize) -> Option<LineAmount> {
        let i = self.range.start.checked_add(n)?;
        if i < self.range.end {
            self.table.amount(i)
        } else {
            None
        }
    }
}

impl Iterator for LineAmounts<'_> {
    type Item = LineAmount;

    fn next(&mut self) -> Option<LineAmount> {
        let i = self.range.next()?;
        self.table.amount(i)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for LineAmounts<'_> {
    fn next_back(&mut self) -> Option<LineAmount> {
        let i = self.range.next_back()?;
        self.table.amount(i)
    }
}

impl ExactSizeIterator for LineAmounts<'_> {}

impl fmt::Debug for LineAmounts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// The scheme lines of a [`Plan`](super::Plan), in order: `len`, `get`,
/// `iter`, and `for line in plan.lines()`.
#[derive(Clone, Copy)]
pub struct SchemeLines<'a> {
    table: &'a LineTable,
}

impl<'a> SchemeLines<'a> {
    pub(crate) fn new(table: &'a LineTable) -> SchemeLines<'a> {
        SchemeLines { table }
    }

    /// The number of lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// The line at position `i`.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<SchemeLine<'a>> {
        (i < self.table.len()).then_some(SchemeLine {
            table: self.table,
            index: i,
        })
    }

    /// The lines in order.
    #[must_use]
    pub fn iter(&self) -> SchemeLinesIter<'a> {
        SchemeLinesIter {
            table: self.table,
            range: 0..self.table.len(),
        }
    }
}

impl<'a> IntoIterator for SchemeLines<'a> {
    type Item = SchemeLine<'a>;
    type IntoIter = SchemeLinesIter<'a>;

    fn into_iter(self) -> SchemeLinesIter<'a> {
        self.iter()
    }
}

impl PartialEq for SchemeLines<'_> {
    fn eq(&self, other: &SchemeLines<'_>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for SchemeLines<'_> {}

impl fmt::Debug for SchemeLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// An iterator over the [`SchemeLine`]s of a plan.
#[derive(Clone)]
pub struct SchemeLinesIter<'a> {
    table: &'a LineTable,
    range: Range<usize>,
}

impl<'a> Iterator for SchemeLinesIter<'a> {
    type Item = SchemeLine<'a>;

    fn next(&mut self) -> Option<SchemeLine<'a>> {
        let index = self.range.next()?;
        Some(SchemeLine {
            table: self.table,
            index,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl fmt::Debug for SchemeLinesIter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeLinesIter")
            .field("remaining", &self.range)
            .finish()
    }
}

impl DoubleEndedIterator for SchemeLinesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let index = self.range.next_back()?;
        Some(SchemeLine {
            table: self.table,
            index,
        })
    }
}

impl ExactSizeIterator for SchemeLinesIter<'_> {}

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
}
