//! The views a plan hands out over its [`LineTable`]: [`SchemeLine`],
//! [`LineAmounts`], [`SchemeLines`] and [`SchemeLinesIter`].

use std::fmt;
use std::ops::Range;

use super::LineTable;
use crate::plan::lines::{LineAmount, LineAttributes};
use crate::plan::ProgrammeIx;

/// One scheme line of a [`Plan`](crate::plan::Plan): its id, name, programme,
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
        ProgrammeIx::new(
            self.table.key,
            u32::try_from(p).expect("programme positions were narrowed from u32"),
        )
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

/// The scheme lines of a [`Plan`](crate::plan::Plan), in order: `len`, `get`,
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
