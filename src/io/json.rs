//! Plans as JSON: the [`PlanDocument`] schema, [`read_plan_json`] and
//! [`write_plan_json`].
//!
//! A plan file is one JSON object. Ids are strings, and every reference
//! (a line's programme, an amount's contributor and funding) is by id.
//! **Money is a JSON string of pounds** (`"1367300"`, `"-840600"`,
//! `"1234.56"`; the reader also takes `"£1,367,300.00"` and `"(840,600)"`):
//! a JSON number is rejected, because a reader may round it through a
//! binary float. Unknown fields are rejected everywhere.
//!
//! ```json
//! {
//!   "format": "bcf-model/plan@1",
//!   "name": "My BCF",
//!   "input_precision": { "unit": "Thousands", "decimals": 1 },
//!   "years": ["2017/18"],
//!   "contributors": [{ "id": "ccg", "name": "Example CCG", "kind": "Ccg" }],
//!   "sources": [{ "id": "min", "name": "NHS minimum", "kind": "NhsMinimum" }],
//!   "groups": [],
//!   "allocations": [
//!     { "source": "min", "contributor": "ccg", "year": "2017/18", "amount": "4132000" }
//!   ],
//!   "programmes": [{ "id": "BCF2", "name": "Home First" }],
//!   "lines": [
//!     { "id": "reablement", "programme": "BCF2", "name": "Reablement",
//!       "attributes": { "flags": ["NhsProtected"] },
//!       "amounts": [
//!         { "contributor": "ccg", "year": "2017/18", "funding": "min", "amount": "4000000" }
//!       ] }
//!   ],
//!   "contingency": [
//!     { "id": "risk", "name": "Risk pool", "kind": "RiskPool",
//!       "amounts": [
//!         { "contributor": "ccg", "year": "2017/18", "funding": "min", "amount": "132000" }
//!       ] }
//!   ]
//! }
//! ```
//!
//! The fields, in the order they are written:
//!
//! | field | type | |
//! |---|---|---|
//! | `format` | `"bcf-model/plan@1"` | required; the schema version |
//! | `name` | string | required |
//! | `input_precision` | `{ "unit": "Pounds" \| "Thousands" \| "Millions", "decimals": 0..255 }` | optional: the precision the figures were entered at |
//! | `years` | array of `"2017/18"` | required, at least one |
//! | `contributors` | array of `{ id, name, kind }`, kind `Ccg`, `Icb`, `CountyCouncil`, `DistrictCouncil`, `UnitaryCouncil`, `Other` | required |
//! | `sources` | array of `{ id, name, kind }`, kind `NhsMinimum`, `NhsAdditional`, `Dfg`, `IbcfSpringBudget2017`, `IbcfSpendingReview2015`, `WinterPressures`, `AdditionalLa`, `DischargeFund` or `{ "Custom": "name" }` | required |
//! | `groups` | array of `{ id, name, members: [source id] }` | optional |
//! | `allocations` | array of `{ source, contributor, year, amount }` | required; amount never negative |
//! | `programmes` | array of `{ id, name }` | required |
//! | `lines` | array of `{ id, programme, name, attributes?, amounts: [{ contributor, year, funding, amount }] }` | required; amounts never negative; `funding` is a source or group id |
//! | `contingency` | array of `{ id, name, kind, amounts }`, kind `Contingency`, `RiskPool` (never negative), `CostImprovementTarget` (never positive) or `{ "Other": "name" }` (any sign) | optional |
//!
//! A line's `attributes` (all optional): `scheme_type`, `area_of_spend`,
//! `provider`, `ibcf_code`, `subgroup` (strings); `commissioner`
//! (`"LocalAuthority"`, `"Nhs"` or `{ "Joint": { "nhs_percent": "60", "la_percent": "40" } }`);
//! `new_or_existing` (`"New"`, `"Existing"`); `flags` (array of
//! `"NhsProtected"`, `"MaintainsSocialCare"`, `"NhsCommissionedOutOfHospital"`,
//! `"NonRecurrent"` or `{ "Other": "name" }`).
//!
//! Writing is deterministic: the fields in the order above, two-space
//! indentation, amounts as their shortest exact decimal, and a final newline,
//! so loading and saving a saved file gives the same bytes.
//!
//! ```
//! use bcf_model::io::json::{read_plan_json, write_plan_json};
//! use bcf_model::io::published::leicestershire_2017_19;
//!
//! let plan = leicestershire_2017_19()?.plan;
//! let text = write_plan_json(&plan)?;
//! let again = read_plan_json("plan.json", &text)?;
//! assert_eq!(again, plan);
//! assert_eq!(write_plan_json(&again)?, text);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{LoadError, LoadErrors};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, Unit};
use crate::plan::{
    AmountDraft, Commissioner, ContingencyDraft, ContingencyKind, Contributor, FundingGroup, FundingSource,
    LineAttributes, LineDraft, Plan, Programme,
};

/// The value of the `format` field of a plan document.
pub const FORMAT: &str = "bcf-model/plan@1";

/// A plan as written to JSON: plain data with string ids (see the
/// [module documentation](self) for the schema).
///
/// [`PlanDocument::from_plan`] writes a plan down; [`PlanDocument::into_plan`]
/// builds one through [`PlanBuilder`](crate::plan::PlanBuilder), so every
/// structural check applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDocument {
    /// The schema version, [`FORMAT`].
    pub format: String,
    /// The plan's name.
    pub name: String,
    /// The precision the amounts were entered at, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_precision: Option<PrecisionDocument>,
    /// The financial years.
    #[serde(deserialize_with = "year_text::deserialize_vec")]
    pub years: Vec<FinancialYear>,
    /// The contributors.
    pub contributors: Vec<Contributor>,
    /// The funding sources.
    pub sources: Vec<FundingSource>,
    /// Groups of sources that fund lines jointly.
    #[serde(default)]
    pub groups: Vec<FundingGroup>,
    /// Income rows.
    pub allocations: Vec<AllocationDocument>,
    /// The programmes.
    pub programmes: Vec<Programme>,
    /// The scheme lines.
    pub lines: Vec<LineDocument>,
    /// The contingency lines.
    #[serde(default)]
    pub contingency: Vec<ContingencyDocument>,
}

/// A [`Precision`] in a plan document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecisionDocument {
    /// The unit the figures were written in.
    pub unit: Unit,
    /// Digits after the decimal point, in that unit.
    pub decimals: u8,
}

/// Income: `amount` of `source` from `contributor` in `year`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationDocument {
    /// Funding source id.
    pub source: String,
    /// Contributor id.
    pub contributor: String,
    /// Financial year.
    #[serde(deserialize_with = "year_text::deserialize")]
    pub year: FinancialYear,
    /// The amount in pounds, a JSON string.
    #[serde(with = "money_text")]
    pub amount: Money,
}

/// One amount on a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountDocument {
    /// Contributor id.
    pub contributor: String,
    /// Financial year.
    #[serde(deserialize_with = "year_text::deserialize")]
    pub year: FinancialYear,
    /// Funding source or group id.
    pub funding: String,
    /// The amount in pounds, a JSON string.
    #[serde(with = "money_text")]
    pub amount: Money,
}

/// A scheme line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineDocument {
    /// Line id, unique across scheme and contingency lines.
    pub id: String,
    /// Programme id.
    pub programme: String,
    /// Name.
    pub name: String,
    /// Attributes (omitted when all empty).
    #[serde(default, skip_serializing_if = "is_default")]
    pub attributes: LineAttributes,
    /// Amounts.
    pub amounts: Vec<AmountDocument>,
}

/// A contingency line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContingencyDocument {
    /// Line id, unique across scheme and contingency lines.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind, which fixes the allowed sign.
    pub kind: ContingencyKind,
    /// Amounts.
    pub amounts: Vec<AmountDocument>,
}

fn is_default(a: &LineAttributes) -> bool {
    *a == LineAttributes::default()
}

/// Money as a JSON string of pounds; JSON numbers are refused.
mod money_text {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    use crate::money::{Money, Unit};

    pub(super) fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&m.pounds().normalize())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        d.deserialize_any(MoneyVisitor)
    }

    struct MoneyVisitor;

    const NUMBER: &str = "money must be a JSON string of pounds such as \"1367300.00\", not a JSON number \
                          (a number may lose exactness)";

    impl Visitor<'_> for MoneyVisitor {
        type Value = Money;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an amount in pounds as a JSON string, such as \"1367300.00\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
            Money::parse(v, Unit::Pounds).map_err(|e| {
                E::custom(format_args!(
                    "{e}; expected an amount in pounds such as \"1367300.00\" or \"(840.6)\""
                ))
            })
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Money, E> {
            Err(E::custom(NUMBER))
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Money, E> {
            Err(E::custom(NUMBER))
        }

        // The float is refused unread: this is where JSON numbers are turned away.
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Money, E> {
            Err(E::custom(NUMBER))
        }
    }
}

/// Financial years read in a visitor, so that a bad year is reported at
/// its own position (not at the end of the enclosing array or object).
mod year_text {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};

    use crate::calendar::FinancialYear;

    struct YearVisitor;

    impl Visitor<'_> for YearVisitor {
        type Value = FinancialYear;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a financial year such as \"2017/18\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<FinancialYear, E> {
            v.parse().map_err(|_| {
                E::custom(format_args!(
                    "{v:?} is not a financial year: expected one such as \"2017/18\""
                ))
            })
        }
    }

    struct Year(FinancialYear);

    impl<'de> Deserialize<'de> for Year {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Year, D::Error> {
            d.deserialize_str(YearVisitor).map(Year)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FinancialYear, D::Error> {
        d.deserialize_str(YearVisitor)
    }

    pub(super) fn deserialize_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FinancialYear>, D::Error> {
        struct Years;
        impl<'de> Visitor<'de> for Years {
            type Value = Vec<FinancialYear>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of financial years such as [\"2017/18\"]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<FinancialYear>, A::Error> {
                let mut out = Vec::new();
                while let Some(Year(y)) = seq.next_element()? {
                    out.push(y);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Years)
    }
}

impl PlanDocument {
    /// Writes `plan` down as a document.
    pub fn from_plan(plan: &Plan) -> PlanDocument {
        let contributor = |ix| plan.contributor(ix).map(|c| c.id.clone()).unwrap_or_default();
        let amounts = |amounts: &mut dyn Iterator<Item = crate::plan::LineAmount>| {
            amounts
                .map(|a| AmountDocument {
                    contributor: contributor(a.contributor),
                    year: a.year,
                    funding: plan.funding_label(a.funding).0.to_string(),
                    amount: a.amount,
                })
                .collect()
        };
        PlanDocument {
            format: FORMAT.to_string(),
            name: plan.name().to_string(),
            input_precision: plan.input_precision().map(|p| PrecisionDocument {
                unit: p.unit,
                decimals: p.decimals,
            }),
            years: plan.years().to_vec(),
            contributors: plan.contributors().to_vec(),
            sources: plan.sources().to_vec(),
            groups: plan.groups().to_vec(),
            allocations: plan
                .allocations()
                .iter()
                .map(|a| AllocationDocument {
                    source: plan.source(a.source).map(|s| s.id.clone()).unwrap_or_default(),
                    contributor: contributor(a.contributor),
                    year: a.year,
                    amount: a.amount,
                })
                .collect(),
            programmes: plan.programmes().to_vec(),
            lines: plan
                .lines()
                .iter()
                .map(|l| LineDocument {
                    id: l.id().to_string(),
                    programme: plan.programme(l.programme()).map(|p| p.id.clone()).unwrap_or_default(),
                    name: l.name().to_string(),
                    attributes: l.attributes().clone(),
                    amounts: amounts(&mut l.amounts()),
                })
                .collect(),
            contingency: plan
                .contingency()
                .iter()
                .map(|l| ContingencyDocument {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    kind: l.kind.clone(),
                    amounts: amounts(&mut l.amounts.iter().copied()),
                })
                .collect(),
        }
    }

    /// Builds the plan through [`PlanBuilder`](crate::plan::PlanBuilder),
    /// which checks its structure. The `format` field is not checked here
    /// (the readers check it).
    pub fn into_plan(self) -> Result<Plan, crate::plan::PlanErrors> {
        self.into_builder().build()
    }

    /// A [`PlanBuilder`](crate::plan::PlanBuilder) holding the document.
    pub(crate) fn into_builder(self) -> crate::plan::PlanBuilder {
        let mut b = Plan::builder(self.name);
        for y in self.years {
            b = b.year(y);
        }
        for c in &self.contributors {
            b = b.contributor(&c.id, &c.name, c.kind);
        }
        for s in self.sources {
            b = b.source(&s.id, &s.name, s.kind);
        }
        for g in &self.groups {
            let members: Vec<&str> = g.members.iter().map(String::as_str).collect();
            b = b.group(&g.id, &g.name, &members);
        }
        for a in &self.allocations {
            b = b.allocation(&a.source, &a.contributor, a.year, a.amount);
        }
        for p in &self.programmes {
            b = b.programme(&p.id, &p.name);
        }
        // Move the documents' strings into the drafts rather than copy them.
        let draft = |a: AmountDocument| AmountDraft {
            contributor: a.contributor,
            year: a.year,
            funding: a.funding,
            amount: a.amount,
        };
        for l in self.lines {
            let mut d = LineDraft::new(l.id, l.programme, l.name).attributes(l.attributes);
            d.amounts = l.amounts.into_iter().map(draft).collect();
            b = b.line(d);
        }
        for l in self.contingency {
            let mut d = ContingencyDraft::new(l.id, l.name, l.kind);
            d.amounts = l.amounts.into_iter().map(draft).collect();
            b = b.contingency(d);
        }
        if let Some(p) = self.input_precision {
            b = b.input_precision(Precision::new(p.unit, p.decimals));
        }
        b
    }
}

/// Reads a plan from JSON text named `source` (for error messages).
///
/// Syntax and type errors name the line and column serde_json stopped at;
/// structural errors (an unknown contributor, a duplicate id, a negative
/// amount on a scheme line...) are all reported, each with the line and
/// column of the offending value and its path in the document, such as
/// `lines[3].amounts[0].contributor`.
///
/// ```
/// use bcf_model::io::json::read_plan_json;
/// let err = read_plan_json("plan.json", "{\"format\": \"bcf-model/plan@1\",\n \"nmae\": \"x\"}")
///     .unwrap_err();
/// assert_eq!(err.0[0].line, Some(2));
/// assert!(err.0[0].problem.contains("unknown field `nmae`"));
/// ```
pub fn read_plan_json(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadErrors::one(LoadError::file(source, "the file is empty")));
    }
    if let Some((at, ch)) = text.char_indices().find(|(_, c)| !c.is_whitespace()) {
        if ch != '{' {
            let before = text.get(..at).unwrap_or_default();
            let line = (before.matches('\n').count() as u64).saturating_add(1);
            let column = before
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                .saturating_add(1);
            return Err(LoadErrors::one(LoadError {
                file: source.to_string(),
                line: Some(line),
                column: Some(column.to_string()),
                value: Some(ch.to_string()),
                problem: "a plan file is one JSON object: expected `{`".to_string(),
            }));
        }
    }
    let doc: PlanDocument = serde_json::from_str(text).map_err(|e| LoadErrors::one(json_error(source, &e)))?;
    let issues = check_document(&doc);
    if !issues.is_empty() {
        return Err(LoadErrors(
            issues
                .into_iter()
                .map(|issue| {
                    let path = issue.path();
                    let (line, column) = match locate(text, &issue.segments()) {
                        Some((l, c)) => (Some(l), format!("{c} ({path})")),
                        None => (None, path),
                    };
                    LoadError {
                        file: source.to_string(),
                        line,
                        column: Some(column),
                        value: Some(super::truncate(&issue.value)),
                        problem: issue.problem,
                    }
                })
                .collect(),
        ));
    }
    doc.into_plan().map_err(|e| {
        LoadErrors(
            e.0.into_iter()
                .map(|pe| LoadError::file(source, pe.to_string()))
                .collect(),
        )
    })
}

/// Writes `plan` as a JSON plan document: deterministic, pretty-printed,
/// with a final newline. The error case cannot arise for a valid plan; it is
/// passed on rather than hidden.
pub fn write_plan_json(plan: &Plan) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&PlanDocument::from_plan(plan))?;
    text.push('\n');
    Ok(text)
}

/// A serde_json error as a [`LoadError`] with its line and column.
fn json_error(source: &str, e: &serde_json::Error) -> LoadError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let problem = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let problem = match e.classify() {
        serde_json::error::Category::Eof => format!("the file ends too early (truncated?): {problem}"),
        serde_json::error::Category::Syntax => format!("not valid JSON: {problem}"),
        _ => problem,
    };
    LoadError {
        file: source.to_string(),
        line: (e.line() > 0).then_some(e.line() as u64),
        column: (e.line() > 0).then(|| e.column().to_string()),
        value: None,
        problem,
    }
}

/// An item of a plan document that a structural problem is found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Item {
    /// The document as a whole.
    Document,
    /// `years[i]`
    Year(usize),
    /// `contributors[i]`
    Contributor(usize),
    /// `sources[i]`
    Source(usize),
    /// `groups[i]`
    Group(usize),
    /// `groups[i].members[j]`
    Member(usize, usize),
    /// `allocations[i]`
    Allocation(usize),
    /// `programmes[i]`
    Programme(usize),
    /// `lines[i]`
    Line(usize),
    /// `lines[i].amounts[j]`
    LineAmount(usize, usize),
    /// `contingency[i]`
    Contingency(usize),
    /// `contingency[i].amounts[j]`
    ContingencyAmount(usize, usize),
}

/// A structural problem with a document item's field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Issue {
    pub(crate) item: Item,
    /// The field, e.g. `contributor`; empty for the item itself.
    pub(crate) field: &'static str,
    pub(crate) value: String,
    pub(crate) problem: String,
}

/// One step of a path into a JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

impl Issue {
    fn segments(&self) -> Vec<Seg> {
        use Seg::{Index, Key};
        let mut s = match self.item {
            Item::Document => vec![],
            Item::Year(i) => vec![Key("years"), Index(i)],
            Item::Contributor(i) => vec![Key("contributors"), Index(i)],
            Item::Source(i) => vec![Key("sources"), Index(i)],
            Item::Group(i) => vec![Key("groups"), Index(i)],
            Item::Member(i, j) => vec![Key("groups"), Index(i), Key("members"), Index(j)],
            Item::Allocation(i) => vec![Key("allocations"), Index(i)],
            Item::Programme(i) => vec![Key("programmes"), Index(i)],
            Item::Line(i) => vec![Key("lines"), Index(i)],
            Item::LineAmount(i, j) => vec![Key("lines"), Index(i), Key("amounts"), Index(j)],
            Item::Contingency(i) => vec![Key("contingency"), Index(i)],
            Item::ContingencyAmount(i, j) => vec![Key("contingency"), Index(i), Key("amounts"), Index(j)],
        };
        if !self.field.is_empty() {
            s.push(Key(self.field));
        }
        s
    }

    fn path(&self) -> String {
        let mut out = String::new();
        for seg in self.segments() {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if out.is_empty() {
            out.push_str("(document)");
        }
        out
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}: {}", self.path(), self.value, self.problem)
    }
}

/// Every structural problem of a document, each placed on the item and field
/// at fault: the checks [`PlanBuilder::build`](crate::plan::PlanBuilder::build)
/// makes, plus the format version, with locations.
pub(crate) fn check_document(doc: &PlanDocument) -> Vec<Issue> {
    let mut out = Vec::new();
    let mut issue = |item, field, value: &str, problem: String| {
        out.push(Issue {
            item,
            field,
            value: value.to_string(),
            problem,
        })
    };
    if doc.format != FORMAT {
        issue(
            Item::Document,
            "format",
            &doc.format,
            format!("expected the format {FORMAT:?}"),
        );
    }
    if doc.years.is_empty() {
        issue(
            Item::Document,
            "years",
            "",
            "the plan needs at least one financial year".into(),
        );
    }
    let mut years = BTreeSet::new();
    for (i, y) in doc.years.iter().enumerate() {
        if !years.insert(*y) {
            issue(Item::Year(i), "", &y.to_string(), "this year is given twice".into());
        }
    }
    let plan_years = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ");

    let mut contributors = BTreeSet::new();
    for (i, c) in doc.contributors.iter().enumerate() {
        if !contributors.insert(c.id.as_str()) {
            issue(
                Item::Contributor(i),
                "id",
                &c.id,
                "this contributor id is used twice".into(),
            );
        }
    }
    let mut programmes = BTreeSet::new();
    for (i, p) in doc.programmes.iter().enumerate() {
        if !programmes.insert(p.id.as_str()) {
            issue(
                Item::Programme(i),
                "id",
                &p.id,
                "this programme id is used twice".into(),
            );
        }
    }
    // Sources and groups share one id space.
    let mut sources = BTreeSet::new();
    for (i, s) in doc.sources.iter().enumerate() {
        if !sources.insert(s.id.as_str()) {
            issue(
                Item::Source(i),
                "id",
                &s.id,
                "this funding source id is used twice".into(),
            );
        }
    }
    let mut groups = BTreeSet::new();
    for (i, g) in doc.groups.iter().enumerate() {
        if sources.contains(g.id.as_str()) || !groups.insert(g.id.as_str()) {
            issue(
                Item::Group(i),
                "id",
                &g.id,
                "this funding source or group id is used twice".into(),
            );
        }
    }
    let mut member_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, g) in doc.groups.iter().enumerate() {
        for (j, m) in g.members.iter().enumerate() {
            if !sources.contains(m.as_str()) {
                issue(
                    Item::Member(i, j),
                    "",
                    m,
                    "unknown funding source: expected the id of a source".into(),
                );
            } else if let Some(first) = member_of.insert(m.as_str(), g.id.as_str()) {
                issue(
                    Item::Member(i, j),
                    "",
                    m,
                    format!("this source is already in the group {first:?}"),
                );
            }
        }
    }
    let mut line_ids = BTreeSet::new();
    for (i, l) in doc.lines.iter().enumerate() {
        if !line_ids.insert(l.id.as_str()) {
            issue(Item::Line(i), "id", &l.id, "this line id is used twice".into());
        }
    }
    for (i, l) in doc.contingency.iter().enumerate() {
        if !line_ids.insert(l.id.as_str()) {
            issue(Item::Contingency(i), "id", &l.id, "this line id is used twice".into());
        }
    }

    let year_problem =
        |y: &FinancialYear| (!years.contains(y)).then(|| format!("the year is outside the plan ({plan_years})"));
    for (i, a) in doc.allocations.iter().enumerate() {
        if !sources.contains(a.source.as_str()) {
            issue(
                Item::Allocation(i),
                "source",
                &a.source,
                "unknown funding source: expected the id of a source".into(),
            );
        }
        if !contributors.contains(a.contributor.as_str()) {
            issue(
                Item::Allocation(i),
                "contributor",
                &a.contributor,
                "unknown contributor".into(),
            );
        }
        if let Some(p) = year_problem(&a.year) {
            issue(Item::Allocation(i), "year", &a.year.to_string(), p);
        }
        if a.amount.is_negative() {
            issue(
                Item::Allocation(i),
                "amount",
                &money_text(a.amount),
                "an allocation must not be negative".into(),
            );
        }
    }
    let amounts = |amounts: &[AmountDocument],
                   item: &dyn Fn(usize) -> Item,
                   allowed: &dyn Fn(Money) -> bool,
                   kind: &str,
                   issue: &mut dyn FnMut(Item, &'static str, &str, String)| {
        let mut seen = BTreeSet::new();
        for (j, a) in amounts.iter().enumerate() {
            if !contributors.contains(a.contributor.as_str()) {
                issue(item(j), "contributor", &a.contributor, "unknown contributor".into());
            }
            if !sources.contains(a.funding.as_str()) && !groups.contains(a.funding.as_str()) {
                issue(
                    item(j),
                    "funding",
                    &a.funding,
                    "unknown funding: expected the id of a source or group".into(),
                );
            }
            if let Some(p) = year_problem(&a.year) {
                issue(item(j), "year", &a.year.to_string(), p);
            }
            if !allowed(a.amount) {
                issue(
                    item(j),
                    "amount",
                    &money_text(a.amount),
                    format!("this sign is not allowed on a {kind}"),
                );
            }
            if !seen.insert((a.contributor.as_str(), a.year, a.funding.as_str())) {
                issue(
                    item(j),
                    "",
                    &format!("{} {} {}", a.contributor, a.year, a.funding),
                    "the line already has an amount for this contributor, year and funding".into(),
                );
            }
        }
    };
    for (i, l) in doc.lines.iter().enumerate() {
        if !programmes.contains(l.programme.as_str()) {
            issue(Item::Line(i), "programme", &l.programme, "unknown programme".into());
        }
        if let Some(Commissioner::Joint {
            nhs_percent,
            la_percent,
        }) = l.attributes.commissioner
        {
            let sum = nhs_percent.checked_add(la_percent);
            if nhs_percent.is_sign_negative()
                || la_percent.is_sign_negative()
                || sum != Some(rust_decimal::Decimal::ONE_HUNDRED)
            {
                issue(
                    Item::Line(i),
                    "attributes",
                    &format!("{nhs_percent}% NHS + {la_percent}% LA"),
                    "a joint commissioning split must be two non-negative shares adding to exactly 100%".into(),
                );
            }
        }
        amounts(
            &l.amounts,
            &|j| Item::LineAmount(i, j),
            &|m| !m.is_negative(),
            "scheme line",
            &mut issue,
        );
    }
    for (i, l) in doc.contingency.iter().enumerate() {
        let kind = l.kind.clone();
        amounts(
            &l.amounts,
            &|j| Item::ContingencyAmount(i, j),
            &|m| kind.allows(m),
            &kind.to_string(),
            &mut issue,
        );
    }
    out
}

/// An amount as written in plan files: plain pounds, shortest exact form.
pub(crate) fn money_text(m: Money) -> String {
    m.pounds().normalize().to_string()
}

/// The 1-based line and column (in characters) of the value at `path` in
/// JSON `text` that has already been parsed successfully; `None` if it
/// cannot be found. Iterative, so nesting depth does not matter.
fn locate(text: &str, path: &[Seg]) -> Option<(u64, u64)> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    for seg in path {
        match (seg, bytes.get(pos)) {
            (Seg::Key(key), Some(b'{')) => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                loop {
                    let (k, after) = string_at(bytes, pos)?;
                    pos = skip_ws(bytes, after);
                    if bytes.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos = skip_ws(bytes, pos.saturating_add(1));
                    if k == key.as_bytes() {
                        break;
                    }
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    match bytes.get(pos) {
                        Some(b',') => pos = skip_ws(bytes, pos.saturating_add(1)),
                        _ => return None,
                    }
                }
            }
            (Seg::Index(i), Some(b'[')) => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                for _ in 0..*i {
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    match bytes.get(pos) {
                        Some(b',') => pos = skip_ws(bytes, pos.saturating_add(1)),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
    }
    let before = text.get(..pos)?;
    let line = (before.bytes().filter(|b| *b == b'\n').count() as u64).saturating_add(1);
    let line_start = before.rfind('\n').map(|i| i.saturating_add(1)).unwrap_or(0);
    let column = (before.get(line_start..)?.chars().count() as u64).saturating_add(1);
    Some((line, column))
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        pos = pos.saturating_add(1);
    }
    pos
}

/// The raw bytes of the string starting at `pos` and the position after it.
fn string_at(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos.saturating_add(1);
    loop {
        match bytes.get(i)? {
            b'\\' => i = i.saturating_add(2),
            b'"' => return Some((bytes.get(pos.saturating_add(1)..i)?, i.saturating_add(1))),
            _ => i = i.saturating_add(1),
        }
    }
}

/// The position just after the value starting at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut depth: usize = 0;
    let mut i = pos;
    loop {
        match bytes.get(i)? {
            b'"' => i = string_at(bytes, i)?.1,
            b'{' | b'[' => {
                depth = depth.saturating_add(1);
                i = i.saturating_add(1);
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i = i.saturating_add(1);
            }
            _ if depth == 0 => {
                // A number or literal: up to the next delimiter.
                while !matches!(
                    bytes.get(i),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
                ) {
                    i = i.saturating_add(1);
                }
                return Some(i);
            }
            _ => i = i.saturating_add(1),
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
  "format": "bcf-model/plan@1",
  "name": "My BCF",
  "years": ["2017/18"],
  "contributors": [{ "id": "ccg", "name": "Example CCG", "kind": "Ccg" }],
  "sources": [{ "id": "min", "name": "NHS minimum", "kind": "NhsMinimum" }],
  "allocations": [{ "source": "min", "contributor": "ccg", "year": "2017/18", "amount": "£4,132,000" }],
  "programmes": [{ "id": "BCF2", "name": "Home First" }],
  "lines": [
    { "id": "reablement", "programme": "BCF2", "name": "Reablement",
      "amounts": [{ "contributor": "ccg", "year": "2017/18", "funding": "min", "amount": "4132000.00" }] }
  ]
}"#;

    #[test]
    fn reads_a_small_plan_and_writes_it_canonically() {
        let plan = read_plan_json("p.json", SMALL).unwrap();
        assert_eq!(plan.lines().len(), 1);
        let text = write_plan_json(&plan).unwrap();
        assert!(text.contains("\"amount\": \"4132000\""), "{text}");
        assert!(text.ends_with("}\n"));
        let again = read_plan_json("p.json", &text).unwrap();
        assert_eq!(again, plan);
        assert_eq!(write_plan_json(&again).unwrap(), text);
    }

    #[test]
    fn structural_errors_have_paths_and_lines() {
        let bad = SMALL.replace(
            r#""contributor": "ccg", "year": "2017/18", "funding""#,
            r#""contributor": "nobody", "year": "2018/19", "funding""#,
        );
        let err = read_plan_json("p.json", &bad).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        let e = &err.0[0];
        assert_eq!(e.line, Some(11));
        assert_eq!(e.column.as_deref(), Some("36 (lines[0].amounts[0].contributor)"));
        assert_eq!(e.value.as_deref(), Some("nobody"));
        assert_eq!(e.problem, "unknown contributor");
        let e = &err.0[1];
        assert_eq!(e.column.as_deref(), Some("54 (lines[0].amounts[0].year)"));
        assert_eq!(e.problem, "the year is outside the plan (2017/18)");
    }

    #[test]
    fn json_numbers_are_not_money() {
        let bad = SMALL.replace("\"£4,132,000\"", "4132000.5");
        let err = read_plan_json("p.json", &bad).unwrap_err();
        assert_eq!(err.0[0].line, Some(7));
        assert!(err.0[0].problem.starts_with("money must be a JSON string"), "{err}");
    }

    #[test]
    fn locate_skips_nested_values() {
        let text = "{\"a\": [1, {\"x\": [\"]\"]}, \"s\\\"\"],\n \"b\": {\"c\": [true, null, 3]}}";
        assert_eq!(
            locate(text, &[Seg::Key("b"), Seg::Key("c"), Seg::Index(2)]),
            Some((2, 26))
        );
        assert_eq!(locate(text, &[Seg::Key("a"), Seg::Index(2)]), Some((1, 25)));
        assert_eq!(locate(text, &[Seg::Key("z")]), None);
    }
}
