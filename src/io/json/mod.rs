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

mod document;
mod fast;
mod locate;

pub(crate) use document::{
    money_text, AllocationDocument, AmountDocument, ContingencyDocument, LineDocument, PlanDocument,
};
use locate::{locate_all, path_text, segments, Cursor, Seg};

use super::{LoadError, LoadErrorKind, LoadErrors};
use crate::plan::Plan;

/// The value of the `format` field of a plan document.
pub const FORMAT: &str = "bcf-model/plan@1";

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
    let text = opening(source, text)?;
    if let Some(plan) = fast::read(text) {
        return Ok(plan);
    }
    read_careful(source, text)
}

/// Reads a plan from JSON text as [`read_plan_json`] does, with serde_json
/// alone: the reference reader its fast path is tested against (which the
/// `reference` feature exports, for tests and fuzzing). Slower; the same
/// plan or the same errors.
///
/// # Errors
///
/// Exactly those listed for [`read_plan_json`], whose errors all come from
/// this reader.
///
/// ```
/// use bcf_model::io::json::{read_plan_json, read_plan_json_reference, write_plan_json};
///
/// let text = write_plan_json(&bcf_model::data::leicestershire::expenditure_plan()?.plan)?;
/// assert_eq!(read_plan_json("p.json", &text)?, read_plan_json_reference("p.json", &text)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "reference")]
pub fn read_plan_json_reference(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    read_careful(source, opening(source, text)?)
}

/// `text` without its byte-order mark, once it is seen to open as a plan
/// document should: not empty, and a `{` first.
fn opening<'t>(source: &str, text: &'t str) -> Result<&'t str, LoadErrors> {
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
                cell: None,
                file: source.to_string(),
                line: Some(line),
                column: Some(column.to_string()),
                value: Some(ch.to_string()),
                kind: LoadErrorKind::Syntax,
                problem: "a plan file is one JSON object: expected `{`".to_string(),
            }));
        }
    }
    Ok(text)
}

/// The careful reader: serde_json reads the whole document, the builder
/// checks it, and every error is located in the text.
fn read_careful(source: &str, text: &str) -> Result<Plan, LoadErrors> {
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
                    cell: None,
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
        cell: None,
        file: source.to_string(),
        line: (e.line() > 0).then_some(e.line() as u64),
        column: (e.line() > 0).then(|| e.column().to_string()),
        value: None,
        kind,
        problem,
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
}
