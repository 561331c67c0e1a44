//! What a fast reader resolves ids against: the contributors, funding,
//! programmes and years a plan document declares, numbered as the plan
//! builder numbers them, so that lines can go straight into the plan's
//! line table.

use foldhash::HashMap;

use crate::calendar::FinancialYear;
use crate::money::Precision;
use crate::plan::{
    Cell, Contributor, ContributorIx, Funding, FundingGroup, FundingSource, GroupIx, PlanKey, Programme, ProgrammeIx,
    SourceIx,
};

/// What a plan declares before its lines: a reader's plan document, seen
/// field by field.
#[derive(Clone, Copy)]
pub(crate) struct Declared<'a> {
    /// The precision of every amount not saying otherwise.
    pub(crate) precision: Option<Precision>,
    pub(crate) contributors: &'a [Contributor],
    pub(crate) sources: &'a [FundingSource],
    pub(crate) groups: &'a [FundingGroup],
    pub(crate) programmes: &'a [Programme],
    pub(crate) years: &'a [FinancialYear],
}

/// What line rows refer to, by position as the plan builder numbers them.
#[derive(Clone)]
pub(crate) struct Head {
    /// The plan row's precision: that of every amount not saying otherwise.
    pub(crate) precision: Option<Precision>,
    contributors: Ids,
    funding: Ids,
    sources: usize,
    programmes: Ids,
    years: Vec<(String, FinancialYear)>,
}

impl Head {
    /// The ids declared so far; `None` if one is repeated (an error the
    /// careful reader reports).
    pub(crate) fn of(declared: Declared<'_>) -> Option<Head> {
        Some(Head {
            precision: declared.precision,
            contributors: Ids::new(declared.contributors.iter().map(|c| c.id.as_str()))?,
            funding: Ids::new(
                declared
                    .sources
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(declared.groups.iter().map(|g| g.id.as_str())),
            )?,
            sources: declared.sources.len(),
            programmes: Ids::new(declared.programmes.iter().map(|p| p.id.as_str()))?,
            years: declared.years.iter().map(|y| (y.to_string(), *y)).collect(),
        })
    }

    /// The cell of an amount of a line of programme `p`.
    pub(crate) fn cell(
        &self,
        p: ProgrammeIx,
        contributor: &str,
        year: &str,
        funding: &str,
        precision: Option<Precision>,
    ) -> Option<Cell> {
        Some(Cell {
            programme: p,
            contributor: self.contributor(contributor)?,
            year: self.year(year)?,
            funding: self.funding(funding)?,
            precision,
        })
    }

    pub(crate) fn contributor(&self, id: &str) -> Option<ContributorIx> {
        Some(ContributorIx::new(PlanKey::default(), self.contributors.get(id)?))
    }

    pub(crate) fn programme(&self, id: &str) -> Option<ProgrammeIx> {
        Some(ProgrammeIx::new(PlanKey::default(), self.programmes.get(id)?))
    }

    pub(crate) fn funding(&self, id: &str) -> Option<Funding> {
        let i = self.funding.get(id)?;
        let sources = u32::try_from(self.sources).ok()?;
        Some(match i.checked_sub(sources) {
            None => Funding::Source(SourceIx::new(PlanKey::default(), i)),
            Some(g) => Funding::Group(GroupIx::new(PlanKey::default(), g)),
        })
    }

    /// `year`, if it is one of the plan's.
    pub(crate) fn year_of_plan(&self, year: FinancialYear) -> Option<FinancialYear> {
        self.years.iter().any(|(_, y)| *y == year).then_some(year)
    }

    /// A year of the plan, as written or as the careful reader parses it.
    pub(crate) fn year(&self, text: &str) -> Option<FinancialYear> {
        let text = text.trim();
        if let Some((_, y)) = self.years.iter().find(|(t, _)| t == text) {
            return Some(*y);
        }
        let y: FinancialYear = text.parse().ok()?;
        self.years.iter().any(|(_, p)| *p == y).then_some(y)
    }
}

/// Ids and their positions: a scan while there are few, a hash map beyond.
#[derive(Clone)]
struct Ids {
    list: Vec<(String, u32)>,
    map: Option<HashMap<String, u32>>,
}

impl Ids {
    fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Option<Ids> {
        let mut map = HashMap::default();
        let mut list = Vec::new();
        for (i, id) in ids.enumerate() {
            let i = u32::try_from(i).ok()?;
            if map.insert(id.to_string(), i).is_some() {
                return None;
            }
            list.push((id.to_string(), i));
        }
        let map = (list.len() > 16).then_some(map);
        Some(Ids { list, map })
    }

    fn get(&self, id: &str) -> Option<u32> {
        match &self.map {
            Some(m) => m.get(id).copied(),
            None => self.list.iter().find(|(k, _)| k == id).map(|(_, i)| *i),
        }
    }
}

/// An amount written as plain digits with at most one decimal point inside
/// them (`1234567.89`), as units at its scale; `None` for any other form
/// (signs, separators, `£`, spaces), which [`Money::parse`] reads.
pub(crate) fn plain_amount(a: &str) -> Option<(i64, u32)> {
    crate::money::plain_units(a.as_bytes())
}
