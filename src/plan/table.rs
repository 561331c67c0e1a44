//! Scheme lines stored column-wise, and the views a [`Plan`](super::Plan)
//! hands out over them.
//!
//! A national plan has a million lines and six million amounts. Held as a
//! `Vec` of line structs, each with its own strings, attribute struct and
//! vector of 32-byte amounts, it took fourteen times the size of its amounts.
//! Here the ids and names of all lines share one string, identical attribute
//! sets are stored once, and each amount is an `i64` count of the plan's
//! finest decimal unit beside a `u32` naming its *cell* (programme,
//! contributor, year and funding). A [`SchemeLine`] is a view that rebuilds a
//! line's [`LineAmount`]s on demand. The same columns are what
//! reconciliation adds up, so nothing is held twice.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

use super::lines::{LineAmount, LineAttributes, ProgrammeIx};
use super::parties::{ContributorIx, Funding};
use crate::calendar::FinancialYear;
use crate::money::Money;

/// Where an amount goes: its line's programme, and its contributor, year and
/// funding. A plan has few distinct cells, however many amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Cell {
    pub programme: ProgrammeIx,
    pub contributor: ContributorIx,
    pub year: FinancialYear,
    pub funding: Funding,
}

/// The values of the amounts, in line order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Values {
    /// Every amount as an `i64` count of units at `scale` decimal places of
    /// a pound.
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
        Values::Units {
            scale: 0,
            units: Vec::new(),
        }
    }
}

impl Values {
    /// Encodes `amounts` as units at `scale` if every one fits, else keeps them.
    pub(crate) fn encode(amounts: Vec<Money>, scale: u32) -> Values {
        let mut units = Vec::with_capacity(amounts.len());
        for m in &amounts {
            match super::columns::units_i64(m.pounds(), scale) {
                Some(u) => units.push(u),
                None => return Values::Exact(amounts),
            }
        }
        Values::Units { scale, units }
    }

    /// The amount at `i` (zero if out of range, which a table never asks).
    fn get(&self, i: usize) -> Money {
        match self {
            Values::Units { scale, units } => units
                .get(i)
                .and_then(|u| Decimal::try_new(*u, *scale).ok())
                .map(Money::from_pounds)
                .unwrap_or(Money::ZERO),
            Values::Exact(v) => v.get(i).copied().unwrap_or(Money::ZERO),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Units { units, .. } => units.len(),
            Values::Exact(v) => v.len(),
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Values::Units { units, .. } => units.capacity() * std::mem::size_of::<i64>(),
            Values::Exact(v) => v.capacity() * std::mem::size_of::<Money>(),
        }
    }
}

/// The scheme lines of a plan, column-wise.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineTable {
    /// Every line's id then name, one after the other.
    text: String,
    /// For line `i`: `ends[2i]` is where its id ends in `text`, `ends[2i+1]`
    /// where its name ends (its id starts where the previous name ended).
    ends: Vec<usize>,
    /// Each line's programme.
    programme: Vec<ProgrammeIx>,
    /// Each line's attributes, as a position in `attribute_set`.
    attributes: Vec<u32>,
    /// The distinct attribute sets.
    attribute_set: Vec<LineAttributes>,
    /// For line `i`: where its amounts end (they start where line `i-1`'s end).
    amount_end: Vec<usize>,
    /// The distinct cells.
    pub(crate) cells: Vec<Cell>,
    /// Each amount's cell.
    pub(crate) cell: Vec<u32>,
    /// Each amount's value.
    pub(crate) values: Values,
}

impl LineTable {
    /// The number of lines.
    pub(crate) fn len(&self) -> usize {
        self.programme.len()
    }

    /// The number of amounts.
    pub(crate) fn amount_count(&self) -> usize {
        self.cell.len()
    }

    /// Piece `k` of the text: line `i`'s id is piece `2i`, its name `2i + 1`.
    fn piece(&self, k: usize) -> &str {
        let from = match k {
            0 => 0,
            k => self.ends.get(k - 1).copied().unwrap_or(0),
        };
        let to = self.ends.get(k).copied().unwrap_or(from);
        self.text.get(from..to).unwrap_or("")
    }

    fn amount_range(&self, line: usize) -> Range<usize> {
        let start = match line {
            0 => 0,
            l => self.amount_end.get(l - 1).copied().unwrap_or(0),
        };
        start..self.amount_end.get(line).copied().unwrap_or(start)
    }

    /// The amount at position `i` of the table.
    fn amount(&self, i: usize) -> Option<LineAmount> {
        let cell = self.cells.get(*self.cell.get(i)? as usize)?;
        Some(LineAmount {
            amount: self.values.get(i),
            contributor: cell.contributor,
            funding: cell.funding,
            year: cell.year,
        })
    }

    /// Every amount's value, in order.
    pub(crate) fn amounts(&self) -> impl Iterator<Item = Money> + '_ {
        (0..self.values.len()).map(|i| self.values.get(i))
    }

    /// The finest decimal scale of any amount.
    pub(crate) fn finest_scale(&self) -> u32 {
        match &self.values {
            // Units at a scale may be finer than any amount needs; that does
            // not change any sum, and the scale is chosen from the amounts.
            Values::Units { scale, units } if !units.is_empty() => *scale,
            Values::Units { .. } => 0,
            Values::Exact(v) => v.iter().map(|m| m.pounds().scale()).max().unwrap_or(0),
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
            + self.ends.capacity() * size_of::<usize>()
            + self.programme.capacity() * size_of::<ProgrammeIx>()
            + self.attributes.capacity() * size_of::<u32>()
            + self.attribute_set.capacity() * size_of::<LineAttributes>()
            + self.attribute_set.iter().map(attributes_heap_bytes).sum::<usize>()
            + self.amount_end.capacity() * size_of::<usize>()
            + self.cells.capacity() * size_of::<Cell>()
            + self.cell.capacity() * size_of::<u32>()
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
    amounts: Vec<Money>,
    cell_ix: HashMap<Cell, u32>,
    attribute_ix: HashMap<LineAttributes, u32>,
}

/// More lines, amounts or distinct cells than a table indexes (over 4 billion).
#[derive(Debug)]
pub(crate) struct TooMany;

impl LineTableBuilder {
    /// A builder with room for `lines` lines and `amounts` amounts.
    pub(crate) fn with_capacity(lines: usize, amounts: usize, text: usize) -> LineTableBuilder {
        let mut b = LineTableBuilder::default();
        b.table.text.reserve_exact(text);
        b.table.ends.reserve_exact(lines.saturating_mul(2));
        b.table.programme.reserve_exact(lines);
        b.table.attributes.reserve_exact(lines);
        b.table.amount_end.reserve_exact(lines);
        b.table.cell.reserve_exact(amounts);
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
        t.text.push_str(id);
        t.ends.push(t.text.len());
        t.text.push_str(name);
        t.ends.push(t.text.len());
        t.programme.push(programme);
        t.attributes.push(0);
        t.amount_end.push(t.cell.len());
        let line = self.table.len().saturating_sub(1);
        self.set_attributes(line, attributes)
    }

    /// The number of lines so far.
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// The ids of the lines so far.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.table.len()).map(|i| self.table.piece(2 * i))
    }

    /// Calls `report` with the line's id for each negative amount (with
    /// `Some(amount)`) and each amount whose contributor, year and funding
    /// an earlier amount of the same line already has (with `None`).
    pub(crate) fn check_amounts(&self, mut report: impl FnMut(&str, Cell, Option<Money>)) {
        let t = &self.table;
        for line in 0..t.len() {
            let range = t.amount_range(line);
            let cells = t.cell.get(range.clone()).unwrap_or(&[]);
            let amounts = self.amounts.get(range).unwrap_or(&[]);
            for (j, (c, m)) in cells.iter().zip(amounts).enumerate() {
                let Some(cell) = t.cells.get(*c as usize) else { continue };
                if m.is_negative() {
                    report(t.piece(2 * line), *cell, Some(*m));
                }
                if cells.get(..j).is_some_and(|earlier| earlier.contains(c)) {
                    report(t.piece(2 * line), *cell, None);
                }
            }
        }
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
        if let Some(slot) = t.attributes.get_mut(line) {
            *slot = a;
        }
        Ok(())
    }

    /// Adds an amount to the line started last.
    pub(crate) fn push_amount(&mut self, cell: Cell, amount: Money) -> Result<(), TooMany> {
        let t = &mut self.table;
        let next = u32::try_from(t.cells.len()).map_err(|_| TooMany)?;
        let c = *self.cell_ix.entry(cell).or_insert_with(|| {
            t.cells.push(cell);
            next
        });
        t.cell.push(c);
        self.amounts.push(amount);
        if let Some(end) = t.amount_end.last_mut() {
            *end = t.cell.len();
        }
        Ok(())
    }

    /// The finest decimal scale of the amounts added so far.
    pub(crate) fn finest_scale(&self) -> u32 {
        self.amounts.iter().map(|m| m.pounds().scale()).max().unwrap_or(0)
    }

    /// The table, with amounts held at `scale` decimal places where they fit.
    pub(crate) fn finish(self, scale: u32) -> LineTable {
        let mut table = self.table;
        table.values = Values::encode(self.amounts, scale);
        table.text.shrink_to_fit();
        table.ends.shrink_to_fit();
        table.programme.shrink_to_fit();
        table.attributes.shrink_to_fit();
        table.attribute_set.shrink_to_fit();
        table.amount_end.shrink_to_fit();
        table.cells.shrink_to_fit();
        table.cell.shrink_to_fit();
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
/// use bcf_model::io::published::leicestershire_2017_19;
///
/// let plan = leicestershire_2017_19()?.plan;
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
    pub fn index(&self) -> usize {
        self.index
    }

    /// A stable id, unique in the plan across scheme and contingency lines.
    pub fn id(&self) -> &'a str {
        self.table.piece(2 * self.index)
    }

    /// The line's name as printed.
    pub fn name(&self) -> &'a str {
        self.table.piece(2 * self.index + 1)
    }

    /// The programme it belongs to.
    pub fn programme(&self) -> ProgrammeIx {
        self.table.programme.get(self.index).copied().unwrap_or(ProgrammeIx(0))
    }

    /// Its attributes.
    pub fn attributes(&self) -> &'a LineAttributes {
        static NONE: LineAttributes = LineAttributes {
            scheme_type: None,
            area_of_spend: None,
            commissioner: None,
            provider: None,
            new_or_existing: None,
            ibcf_code: None,
            subgroup: None,
            flags: std::collections::BTreeSet::new(),
        };
        self.table
            .attributes
            .get(self.index)
            .and_then(|a| self.table.attribute_set.get(*a as usize))
            .unwrap_or(&NONE)
    }

    /// Its amounts (at most one per contributor, year and funding), in the
    /// order they were given.
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
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The `n`th amount left, without using the iterator up.
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
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// The line at position `i`.
    pub fn get(&self, i: usize) -> Option<SchemeLine<'a>> {
        (i < self.table.len()).then_some(SchemeLine {
            table: self.table,
            index: i,
        })
    }

    /// The lines in order.
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
#[derive(Clone, Debug)]
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
