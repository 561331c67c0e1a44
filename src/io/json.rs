//! Plans as JSON: the plan document schema (below), [`read_plan_json`] and
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
//! | `sources` | array of `{ id, name, kind }`, kind `NhsMinimum`, `NhsAdditional`, `Dfg`, `IbcfSpringBudget2017`, `IbcfSpendingReview2015`, `WinterPressures`, `AdditionalLa`, `DischargeFund`, `Ibcf`, `DischargeFundCouncil`, `DischargeFundIcb`, `AdditionalDischargeCouncil`, `AdditionalDischargeIcb` or `{ "Custom": "name" }` | required |
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
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let text = write_plan_json(&plan)?;
//! let again = read_plan_json("plan.json", &text)?;
//! assert_eq!(again, plan);
//! assert_eq!(write_plan_json(&again)?, text);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use super::{LoadError, LoadErrorKind, LoadErrors};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure};
use crate::plan::{
    AmountDraft, ContingencyDraft, ContingencyKind, Contributor, Field, FundingGroup, FundingSource, Item,
    LineAttributes, LineDraft, Plan, PlanError, Programme,
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
pub(crate) struct PlanDocument {
    /// The schema version, [`FORMAT`].
    pub(crate) format: String,
    /// The plan's name.
    pub(crate) name: String,
    /// The precision the amounts were printed to, unless an amount says
    /// otherwise with its own `precision`; absent when they are exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) input_precision: Option<Precision>,
    /// The financial years.
    #[serde(deserialize_with = "year_text::deserialize_vec")]
    pub(crate) years: Vec<FinancialYear>,
    /// The contributors.
    pub(crate) contributors: Vec<Contributor>,
    /// The funding sources.
    pub(crate) sources: Vec<FundingSource>,
    /// Groups of sources that fund lines jointly.
    #[serde(default)]
    pub(crate) groups: Vec<FundingGroup>,
    /// Income rows.
    pub(crate) allocations: Vec<AllocationDocument>,
    /// The programmes.
    pub(crate) programmes: Vec<Programme>,
    /// The scheme lines.
    pub(crate) lines: Vec<LineDocument>,
    /// The contingency lines.
    #[serde(default)]
    pub(crate) contingency: Vec<ContingencyDocument>,
}

/// An amount's own precision in a plan document, when it differs from the
/// plan's `input_precision`: `Some(Some(p))` is written `{ "unit": ...,
/// "decimals": ... }`, `Some(None)` (an exact amount) is written `null`, and
/// `None` (the plan's) is not written.
mod own_precision {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::money::Precision;

    pub(super) fn serialize<S: Serializer>(p: &Option<Option<Precision>>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Precision>>, D::Error> {
        Option::<Precision>::deserialize(d).map(Some)
    }
}

/// Income: `amount` of `source` from `contributor` in `year`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllocationDocument {
    /// Funding source id.
    pub(crate) source: String,
    /// Contributor id.
    pub(crate) contributor: String,
    /// Financial year.
    #[serde(deserialize_with = "year_text::deserialize")]
    pub(crate) year: FinancialYear,
    /// The amount in pounds, a JSON string.
    #[serde(with = "money_text")]
    pub(crate) amount: Money,
    /// The precision the amount was printed to, if not the plan's
    /// `input_precision` (`null` for an exact amount).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "own_precision")]
    pub(crate) precision: Option<Option<Precision>>,
}

/// One amount on a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmountDocument {
    /// Contributor id.
    pub(crate) contributor: String,
    /// Financial year.
    #[serde(deserialize_with = "year_text::deserialize")]
    pub(crate) year: FinancialYear,
    /// Funding source or group id.
    pub(crate) funding: String,
    /// The amount in pounds, a JSON string.
    #[serde(with = "money_text")]
    pub(crate) amount: Money,
    /// The precision the amount was printed to, if not the plan's
    /// `input_precision` (`null` for an exact amount).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "own_precision")]
    pub(crate) precision: Option<Option<Precision>>,
}

/// A scheme line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LineDocument {
    /// Line id, unique across scheme and contingency lines.
    pub(crate) id: String,
    /// Programme id.
    pub(crate) programme: String,
    /// Name.
    pub(crate) name: String,
    /// Attributes (omitted when all empty).
    #[serde(default, skip_serializing_if = "is_default")]
    pub(crate) attributes: LineAttributes,
    /// Amounts.
    pub(crate) amounts: Vec<AmountDocument>,
}

/// A contingency line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContingencyDocument {
    /// Line id, unique across scheme and contingency lines.
    pub(crate) id: String,
    /// Name.
    pub(crate) name: String,
    /// Kind, which fixes the allowed sign.
    pub(crate) kind: ContingencyKind,
    /// Amounts.
    pub(crate) amounts: Vec<AmountDocument>,
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

/// The precision most of a plan's amounts have (`None`: exact), which a
/// document states once; ties go to the exact, then to the finer.
pub(crate) fn common_precision(plan: &Plan) -> Option<Precision> {
    let mut counts: std::collections::HashMap<Option<Precision>, u64> = std::collections::HashMap::new();
    let mut count = |p: Option<Precision>| *counts.entry(p).or_insert(0) += 1;
    for a in plan.allocations() {
        count(a.precision);
    }
    for l in plan.lines() {
        for a in l.amounts() {
            count(a.precision);
        }
    }
    for l in plan.contingency() {
        for a in &l.amounts {
            count(a.precision);
        }
    }
    counts
        .into_iter()
        .max_by_key(|(p, n)| {
            (
                *n,
                std::cmp::Reverse(p.map_or(i32::MIN, |p| p.exponent())),
                p.map(|p| p.unit()),
            )
        })
        .and_then(|(p, _)| p)
}

impl PlanDocument {
    /// Writes `plan` down as a document. The most common precision of its
    /// amounts becomes the document's `input_precision`; an amount of
    /// another precision carries its own.
    #[must_use]
    pub(crate) fn from_plan(plan: &Plan) -> PlanDocument {
        let default = common_precision(plan);
        let own = |p: Option<Precision>| (p != default).then_some(p);
        let ours = "an amount's contributor, source and programme are its own plan's";
        let contributor = |ix| plan.contributor(ix).expect(ours).id.clone();
        let amounts = |amounts: &mut dyn Iterator<Item = crate::plan::LineAmount>| {
            amounts
                .map(|a| AmountDocument {
                    contributor: contributor(a.contributor),
                    year: a.year,
                    funding: plan.own_funding_label(a.funding).0.to_string(),
                    amount: a.amount,
                    precision: own(a.precision),
                })
                .collect()
        };
        PlanDocument {
            format: FORMAT.to_string(),
            name: plan.name().to_string(),
            input_precision: default,
            years: plan.years().to_vec(),
            contributors: plan.contributors().to_vec(),
            sources: plan.sources().to_vec(),
            groups: plan.groups().to_vec(),
            allocations: plan
                .allocations()
                .iter()
                .map(|a| AllocationDocument {
                    source: plan.source(a.source).expect(ours).id.clone(),
                    contributor: contributor(a.contributor),
                    year: a.year,
                    amount: a.amount,
                    precision: own(a.precision),
                })
                .collect(),
            programmes: plan.programmes().to_vec(),
            lines: plan
                .lines()
                .iter()
                .map(|l| LineDocument {
                    id: l.id().to_string(),
                    programme: plan.programme(l.programme()).expect(ours).id.clone(),
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
    pub(crate) fn into_plan(self) -> Result<Plan, crate::plan::PlanErrors> {
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
        let default = self.input_precision;
        for a in &self.allocations {
            b = match a.precision.unwrap_or(default) {
                Some(precision) => b.printed_allocation(
                    &a.source,
                    &a.contributor,
                    a.year,
                    PrintedFigure::new(a.amount, precision),
                ),
                None => b.allocation(&a.source, &a.contributor, a.year, a.amount),
            };
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
            precision: a.precision.unwrap_or(default),
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
        b
    }
}

/// Reads a plan from JSON text named `source` (for error messages).
///
/// Syntax and type errors name the line and column serde_json stopped at;
/// structural errors (an unknown contributor, a duplicate id, a negative
/// amount on a scheme line...) are all reported, each with the line and
/// column of the offending value and its path in the document, such as
/// `lines[3].amounts[0].contributor`. The structure is checked once, by the
/// [`PlanBuilder`](crate::plan::PlanBuilder); its errors name the item and
/// field, and one pass over the text finds where each of them is.
///
/// # Errors
///
/// One error, as [`LoadErrors`], if the text cannot be read as a plan document:
/// an empty file ([`LoadErrorKind::Layout`]); text that is not one JSON object,
/// or is invalid or truncated JSON ([`LoadErrorKind::Syntax`]); an unknown or
/// missing field ([`LoadErrorKind::Layout`]); or a value of the wrong type or
/// that cannot be read, such as an amount, a year or a precision
/// ([`LoadErrorKind::Value`]). Once the document is read, every structural
/// problem together: a `format` other than `bcf-model/plan@1`
/// ([`LoadErrorKind::Layout`]) and each plan rule the
/// [`PlanBuilder`](crate::plan::PlanBuilder) finds broken
/// ([`LoadErrorKind::Plan`]).
///
/// ```
/// use bcf_model::io::json::read_plan_json;
/// let err = read_plan_json("plan.json", "{\"format\": \"bcf-model/plan@1\",\n \"nmae\": \"x\"}")
///     .unwrap_err();
/// assert_eq!(err[0].line, Some(2));
/// assert!(err[0].problem.contains("unknown field `nmae`"));
/// ```
pub fn read_plan_json(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadErrors::one(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "the file is empty",
        )));
    }
    if let Some((at, ch)) = text.char_indices().find(|(_, c)| !c.is_whitespace()) {
        if ch != '{' {
            let (line, column) = Cursor::new(text).advance(at);
            return Err(LoadErrors::one(LoadError {
                file: source.to_string(),
                line: Some(line),
                column: Some(column.to_string()),
                value: Some(ch.to_string()),
                kind: LoadErrorKind::Syntax,
                problem: "a plan file is one JSON object: expected `{`".to_string(),
            }));
        }
    }
    let doc: PlanDocument = serde_json::from_str(text).map_err(|e| LoadErrors::one(json_error(source, &e)))?;
    // (path, value, kind, problem) of every structural error.
    let mut found: Vec<(Vec<Seg>, String, LoadErrorKind, String)> = Vec::new();
    if doc.format != FORMAT {
        found.push((
            vec![Seg::Key("format")],
            doc.format.clone(),
            LoadErrorKind::Layout,
            format!("expected the format {FORMAT:?}"),
        ));
    }
    let plan = match doc.into_plan() {
        Ok(plan) if found.is_empty() => return Ok(plan),
        Ok(_) => None,
        Err(e) => Some(e),
    };
    for pe in plan.into_iter().flat_map(crate::plan::PlanErrors::into_vec) {
        let problem = pe.problem.to_string();
        found.push((segments(&pe), pe.value, LoadErrorKind::Plan(pe.problem), problem));
    }
    let paths: Vec<&[Seg]> = found.iter().map(|(p, _, _, _)| p.as_slice()).collect();
    let places = locate_all(text, &paths);
    Err(LoadErrors::new(
        found
            .iter()
            .zip(places)
            .map(|((segs, value, kind, problem), place)| {
                let path = path_text(segs);
                let (line, column) = match place {
                    Some((l, c)) => (Some(l), format!("{c} ({path})")),
                    None => (None, path),
                };
                LoadError {
                    file: source.to_string(),
                    line,
                    column: Some(column),
                    value: Some(super::truncate(value)),
                    kind: kind.clone(),
                    problem: problem.clone(),
                }
            })
            .collect(),
    ))
}

/// Writes `plan` as a JSON plan document: deterministic, pretty-printed,
/// with a final newline.
///
/// # Errors
///
/// The error case cannot arise for a valid plan (every value is a string,
/// number or list the serializer takes); it is passed on rather than
/// hidden, as a [`LoadErrors`] of one file-level error.
pub fn write_plan_json(plan: &Plan) -> Result<String, LoadErrors> {
    let mut text = serde_json::to_string_pretty(&PlanDocument::from_plan(plan)).map_err(|e| {
        LoadErrors::one(LoadError::file(
            "JSON plan",
            LoadErrorKind::Write,
            format!("cannot write: {e}"),
        ))
    })?;
    text.push('\n');
    Ok(text)
}

/// A serde_json error as a [`LoadError`] with its line and column.
fn json_error(source: &str, e: &serde_json::Error) -> LoadError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let problem = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let (kind, problem) = match e.classify() {
        serde_json::error::Category::Eof => (
            LoadErrorKind::Syntax,
            format!("the file ends too early (truncated?): {problem}"),
        ),
        serde_json::error::Category::Syntax => (LoadErrorKind::Syntax, format!("not valid JSON: {problem}")),
        serde_json::error::Category::Io => (LoadErrorKind::Unreadable, problem),
        // serde's own wording for a field the format does not have or lacks
        // (`de::Error::unknown_field`, `de::Error::missing_field`).
        serde_json::error::Category::Data
            if problem.starts_with("unknown field") || problem.starts_with("missing field") =>
        {
            (LoadErrorKind::Layout, problem)
        }
        serde_json::error::Category::Data => (LoadErrorKind::Value, problem),
    };
    LoadError {
        file: source.to_string(),
        line: (e.line() > 0).then_some(e.line() as u64),
        column: (e.line() > 0).then(|| e.column().to_string()),
        value: None,
        kind,
        problem,
    }
}

/// One step of a path into a JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The path in a plan document of the item and field a plan error names.
fn segments(e: &PlanError) -> Vec<Seg> {
    use Seg::{Index, Key};
    let mut s = match e.item {
        Item::Plan => vec![],
        Item::Year(i) => vec![Key("years"), Index(i)],
        Item::Contributor(i) => vec![Key("contributors"), Index(i)],
        Item::Source(i) => vec![Key("sources"), Index(i)],
        Item::Group(i) => vec![Key("groups"), Index(i)],
        Item::Member(i, j) => return vec![Key("groups"), Index(i), Key("members"), Index(j)],
        Item::Allocation(i) => vec![Key("allocations"), Index(i)],
        Item::Programme(i) => vec![Key("programmes"), Index(i)],
        Item::Line(i) => vec![Key("lines"), Index(i)],
        Item::LineAmount(i, j) => vec![Key("lines"), Index(i), Key("amounts"), Index(j)],
        Item::Contingency(i) => vec![Key("contingency"), Index(i)],
        Item::ContingencyAmount(i, j) => vec![Key("contingency"), Index(i), Key("amounts"), Index(j)],
    };
    let field = match (e.item, e.field) {
        (Item::Plan, _) if e.problem == crate::plan::PlanProblem::NoYears => Some("years"),
        (Item::Year(_) | Item::Plan, _) => None,
        (Item::Allocation(_), Field::Funding) => Some("source"),
        (_, field) => field.name(),
    };
    if let Some(f) = field {
        s.push(Key(f));
    }
    s
}

/// A path as text: `lines[3].amounts[0].contributor`.
fn path_text(segments: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segments {
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

/// An amount as written in plan files: plain pounds, shortest exact form.
pub(crate) fn money_text(m: Money) -> String {
    m.pounds().normalize().to_string()
}

/// Line and column (1-based, in characters) of byte offsets taken in
/// increasing order, counted incrementally: linear in the text however many
/// offsets are asked for.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    line: u64,
    column: u64,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Cursor<'t> {
        Cursor {
            text,
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    /// The line and column of byte `to` (not before the last one asked).
    fn advance(&mut self, to: usize) -> (u64, u64) {
        if let Some(between) = self.text.get(self.pos..to) {
            for ch in between.chars() {
                if ch == '\n' {
                    self.line = self.line.saturating_add(1);
                    self.column = 1;
                } else {
                    self.column = self.column.saturating_add(1);
                }
            }
            self.pos = to;
        }
        (self.line, self.column)
    }
}

/// A container being walked: an object and the key of its current member,
/// or an array and the index of its current element.
enum Frame<'t> {
    Object(&'t [u8]),
    Array(usize),
}

/// The 1-based line and column of the value at each of `paths` in JSON
/// `text` that has already been parsed successfully (`None` where a path is
/// not found), in one pass over the text: its cost does not grow with the
/// number of paths asked for. Iterative, so nesting depth does not matter.
fn locate_all(text: &str, paths: &[&[Seg]]) -> Vec<Option<(u64, u64)>> {
    let mut out = vec![None; paths.len()];
    let depth = paths.iter().map(|p| p.len()).fold(0, usize::max);
    let mut wanted: std::collections::HashMap<&[Seg], Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        wanted.entry(*p).or_default().push(i);
    }
    let bytes = text.as_bytes();
    let mut cursor = Cursor::new(text);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut current: Vec<Seg> = Vec::new();
    let mut pos = skip_ws(bytes, 0);
    // Whether the current path is one of the keys of `wanted` (the key
    // strings of a path are compared as written: plan keys need no escapes).
    let path_of = |stack: &[Frame<'_>], current: &mut Vec<Seg>| -> bool {
        current.clear();
        for f in stack {
            match f {
                Frame::Array(i) => current.push(Seg::Index(*i)),
                Frame::Object(k) => match KEYS.iter().find(|key| key.as_bytes() == *k) {
                    Some(key) => current.push(Seg::Key(key)),
                    None => return false,
                },
            }
        }
        true
    };
    'value: loop {
        // At the start of a value.
        if stack.len() <= depth && path_of(&stack, &mut current) {
            if let Some(ix) = wanted.get(current.as_slice()) {
                let place = cursor.advance(pos);
                for i in ix {
                    if let Some(slot) = out.get_mut(*i) {
                        *slot = Some(place);
                    }
                }
            }
        }
        match bytes.get(pos) {
            Some(b'{') => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                if bytes.get(pos) != Some(&b'}') {
                    let Some((key, after)) = member_key(bytes, pos) else {
                        break;
                    };
                    stack.push(Frame::Object(key));
                    pos = after;
                    continue 'value;
                }
                pos = pos.saturating_add(1);
            }
            Some(b'[') => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                if bytes.get(pos) != Some(&b']') {
                    stack.push(Frame::Array(0));
                    continue 'value;
                }
                pos = pos.saturating_add(1);
            }
            Some(_) => match skip_value(bytes, pos) {
                Some(after) => pos = after,
                None => break,
            },
            None => break,
        }
        // After a value: the next member or element, or the end of containers.
        loop {
            pos = skip_ws(bytes, pos);
            match (stack.last_mut(), bytes.get(pos)) {
                (None, _) => break 'value,
                (Some(Frame::Object(k)), Some(b',')) => {
                    let Some((key, after)) = member_key(bytes, skip_ws(bytes, pos.saturating_add(1))) else {
                        break 'value;
                    };
                    *k = key;
                    pos = after;
                    continue 'value;
                }
                (Some(Frame::Array(i)), Some(b',')) => {
                    *i = i.saturating_add(1);
                    pos = skip_ws(bytes, pos.saturating_add(1));
                    continue 'value;
                }
                (Some(Frame::Object(_)), Some(b'}')) | (Some(Frame::Array(_)), Some(b']')) => {
                    stack.pop();
                    pos = pos.saturating_add(1);
                }
                _ => break 'value,
            }
        }
    }
    out
}

/// The keys a plan document's paths use.
const KEYS: [&str; 25] = [
    "format",
    "name",
    "input_precision",
    "years",
    "contributors",
    "sources",
    "groups",
    "members",
    "allocations",
    "programmes",
    "lines",
    "contingency",
    "amounts",
    "id",
    "kind",
    "source",
    "contributor",
    "year",
    "funding",
    "amount",
    "precision",
    "programme",
    "attributes",
    "unit",
    "decimals",
];

/// The key of an object member at `pos` and the position of its value.
fn member_key(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let (key, after) = string_at(bytes, pos)?;
    let colon = skip_ws(bytes, after);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    Some((key, skip_ws(bytes, colon.saturating_add(1))))
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

/// The position just after the scalar (string, number or literal) at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos) == Some(&b'"') {
        return string_at(bytes, pos).map(|(_, after)| after);
    }
    let mut i = pos;
    while !matches!(
        bytes.get(i),
        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
    ) {
        i = i.saturating_add(1);
    }
    (i > pos).then_some(i)
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
        assert_eq!(err.len(), 2, "{err}");
        let e = &err[0];
        assert_eq!(e.line, Some(11));
        assert_eq!(e.column.as_deref(), Some("36 (lines[0].amounts[0].contributor)"));
        assert_eq!(e.value.as_deref(), Some("nobody"));
        assert_eq!(e.problem, "unknown contributor");
        let e = &err[1];
        assert_eq!(e.column.as_deref(), Some("54 (lines[0].amounts[0].year)"));
        assert_eq!(e.problem, "the year is outside the plan (2017/18)");
    }

    #[test]
    fn json_numbers_are_not_money() {
        let bad = SMALL.replace("\"£4,132,000\"", "4132000.5");
        let err = read_plan_json("p.json", &bad).unwrap_err();
        assert_eq!(err[0].line, Some(7));
        assert!(err[0].problem.starts_with("money must be a JSON string"), "{err}");
    }

    #[test]
    fn locate_all_skips_nested_values_in_one_pass() {
        use Seg::{Index, Key};
        let text = "{\"lines\": [1, {\"id\": [\"]\"]}, \"s\\\"\"],\n \"years\": {\"amounts\": [true, null, 3]}}";
        let found = locate_all(
            text,
            &[
                &[Key("years"), Key("amounts"), Index(2)],
                &[Key("lines"), Index(2)],
                &[Key("name")],
                &[Key("lines"), Index(1), Key("id"), Index(0)],
            ],
        );
        assert_eq!(found, vec![Some((2, 36)), Some((1, 30)), None, Some((1, 23))]);
    }
}
