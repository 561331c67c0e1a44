//! The plan document: the crate-private serde types a plan is read from and
//! written to, and the conversions between a document and a [`Plan`].

use serde::{Deserialize, Serialize};

use super::FORMAT;
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure};
use crate::plan::{
    AmountDraft, ContingencyDraft, ContingencyKind, Contributor, FundingGroup, FundingSource, LineAttributes,
    LineDraft, Plan, Programme,
};

/// A plan as written to JSON: plain data with string ids (see the
/// [module documentation](super) for the schema).
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
pub(super) mod own_precision {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::money::Precision;

    pub(super) fn serialize<S: Serializer>(p: &Option<Option<Precision>>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub(in crate::io::json) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<Precision>>, D::Error> {
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
pub(super) mod year_text {
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

    pub(in crate::io::json) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FinancialYear, D::Error> {
        d.deserialize_str(YearVisitor)
    }

    pub(in crate::io::json) fn deserialize_vec<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<FinancialYear>, D::Error> {
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

    /// What the document declares before its lines, for a fast reader.
    pub(crate) fn declared(&self) -> crate::io::resolve::Declared<'_> {
        crate::io::resolve::Declared {
            precision: self.input_precision,
            contributors: &self.contributors,
            sources: &self.sources,
            groups: &self.groups,
            programmes: &self.programmes,
            years: &self.years,
        }
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

/// An amount as written in plan files: plain pounds, shortest exact form.
pub(crate) fn money_text(m: Money) -> String {
    m.pounds().normalize().to_string()
}
