//! An area's own inputs to the condition checks, as a CSV file: sign-offs,
//! the year before a one-year plan, the published minimums and allocations.

use std::collections::BTreeMap;

use crate::calendar::FinancialYear;
use crate::conditions::{ConditionInputs, OutOfHospitalInputs, PriorContribution, SignOff, SocialCareBaseline};
use crate::dfg::DfgAllocations;
use crate::ibcf::GrantProfile;
use crate::money::{Money, Precision, Rounding, Unit};
use crate::plan::FundingSourceKind;

use super::{LoadError, LoadErrorKind, LoadErrors};

/// A pooled grant's amounts, year by year, as read.
type GrantYears = Vec<(FinancialYear, Money)>;

/// The columns of an area inputs file, in order.
const COLUMNS: [&str; 6] = ["item", "year", "party", "kind", "amount", "note"];

/// The items an area inputs file may hold.
const ITEMS: &str = "sign_off, prior_nhs_minimum, social_care_minimum, out_of_hospital_minimum, dfg or pooled_grant";

/// Reads an area's inputs to [`check_all`](crate::conditions::check_all)
/// from CSV text with the header `item,year,party,kind,amount,note`, one
/// published figure or fact a row, amounts in pounds (`1,234,567.89`):
///
/// | item | year | party | kind | amount | note |
/// |---|---|---|---|---|---|
/// | `sign_off` | | who signed (a contributor id, or `hwb`) | | | who signed for it |
/// | `prior_nhs_minimum` | the year before the plan | the CCG or ICB id | | its NHS minimum | |
/// | `social_care_minimum` | a year | | | the NHS contribution to adult social care required | |
/// | `out_of_hospital_minimum` | a year | | | the NHS-commissioned out-of-hospital ring-fence | |
/// | `dfg` | a year | the district | | its DFG allocation | |
/// | `pooled_grant` | a year | the grant's name | its source kind (`Ibcf`, `WinterPressures`...) | the grant | |
///
/// Blank cells are left blank. A social care minimum is the requirement in
/// its year (later years follow by the uplift); give it for one year.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read or a
/// malformed row ([`LoadErrorKind::Syntax`]); a missing column
/// ([`LoadErrorKind::Layout`]); a cell that cannot be read: an unknown item,
/// a year that is not a financial year, an amount that is not an amount in
/// pounds, a blank party or year where the item needs one, an unknown source
/// kind ([`LoadErrorKind::Value`]); a negative amount, a second social care
/// minimum, or DFG allocations that do not give every district one amount
/// for every year ([`LoadErrorKind::Dataset`]).
pub fn read_area_inputs(source: &str, text: &str) -> Result<ConditionInputs, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let pos = super::column_positions(source, &headers, COLUMNS)?;
    let mut errors = Vec::new();
    let [p_item, p_year, p_party, p_kind, p_amount, p_note] = pos;
    let mut inputs = ConditionInputs::default();
    let mut dfg: BTreeMap<FinancialYear, Vec<(String, Money)>> = BTreeMap::new();
    let mut grants: Vec<(String, FundingSourceKind, GrantYears)> = Vec::new();
    let mut social_care_line: Option<u64> = None;
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| super::field(&record, i).trim();
        let bad = |column: &str, value: &str, problem: String| LoadError::cell(source, line, column, value, problem);
        let year = || -> Result<FinancialYear, LoadError> {
            match cell(p_year) {
                "" => Err(bad("year", "", "this item needs a year".to_string())),
                t => t
                    .parse()
                    .map_err(|e: crate::calendar::CalendarError| bad("year", t, e.to_string())),
            }
        };
        let party = || -> Result<String, LoadError> {
            match cell(p_party) {
                "" => Err(bad("party", "", "this item needs a party".to_string())),
                t => Ok(t.to_string()),
            }
        };
        let amount = || -> Result<Money, LoadError> {
            let t = cell(p_amount);
            match Money::parse(t, Unit::Pounds) {
                Ok(m) if m.is_negative() => {
                    Err(bad("amount", t, "must not be negative".to_string()).with_kind(LoadErrorKind::Dataset))
                }
                Ok(m) => Ok(m),
                Err(e) => Err(bad("amount", t, format!("not an amount in pounds: {}", e.kind))),
            }
        };
        let row = match cell(p_item) {
            "sign_off" => party().map(|party| {
                inputs.sign_offs.push(SignOff {
                    party,
                    signed_by: cell(p_note).to_string(),
                    date: None,
                });
            }),
            "prior_nhs_minimum" => (|| {
                let p = PriorContribution {
                    contributor: party()?,
                    year: year()?,
                    amount: amount()?,
                    precision: None,
                };
                inputs.prior_nhs_minimum.push(p);
                Ok(())
            })(),
            "social_care_minimum" => (|| {
                let (y, required) = (year()?, amount()?);
                if let Some(first) = social_care_line {
                    return Err(bad(
                        "item",
                        "social_care_minimum",
                        format!("a social care minimum is given once (first at line {first}): later years follow by the uplift"),
                    )
                    .with_kind(LoadErrorKind::Dataset));
                }
                social_care_line = Some(line);
                inputs.social_care_baseline = Some(SocialCareBaseline {
                    year: y,
                    required,
                    precision: Precision::PENCE,
                    rounding: Rounding::HalfAwayFromZero,
                });
                Ok(())
            })(),
            "out_of_hospital_minimum" => (|| {
                let (y, ring_fence) = (year()?, amount()?);
                let entry = inputs.out_of_hospital.entry(y).or_insert(OutOfHospitalInputs {
                    precision: Precision::PENCE,
                    ..OutOfHospitalInputs::default()
                });
                entry.ring_fence = Some(ring_fence);
                Ok(())
            })(),
            "dfg" => (|| {
                let (y, district, a) = (year()?, party()?, amount()?);
                dfg.entry(y).or_default().push((district, a));
                Ok(())
            })(),
            "pooled_grant" => (|| {
                let (y, name, a) = (year()?, party()?, amount()?);
                let kind = source_kind(cell(p_kind)).map_err(|e| bad("kind", cell(p_kind), e))?;
                match grants.iter_mut().find(|(n, k, _)| *n == name && *k == kind) {
                    Some((_, _, years)) => years.push((y, a)),
                    None => grants.push((name, kind, vec![(y, a)])),
                }
                Ok(())
            })(),
            other => Err(bad("item", other, format!("unknown item: expected {ITEMS}"))),
        };
        if let Err(e) = row {
            errors.push(e);
        }
    }
    if !dfg.is_empty() {
        // One column a year, one row a district, in the order first given.
        let years: Vec<FinancialYear> = dfg.keys().copied().collect();
        let mut districts: Vec<(String, Vec<Money>)> = Vec::new();
        for rows in dfg.values() {
            for (d, _) in rows {
                if !districts.iter().any(|(n, _)| n == d) {
                    districts.push((d.clone(), Vec::new()));
                }
            }
        }
        for (d, amounts) in &mut districts {
            for rows in dfg.values() {
                amounts.extend(rows.iter().filter(|(n, _)| n == d).map(|(_, a)| *a));
            }
        }
        match DfgAllocations::new(years, districts) {
            Ok(a) => inputs.dfg_allocations = Some(a),
            Err(e) => errors.push(LoadError::file(source, LoadErrorKind::Dataset, e.to_string())),
        }
    }
    for (name, kind, years) in grants {
        match GrantProfile::new(&name, kind, years, true) {
            Ok(g) => inputs.pooled_grants.push(g),
            Err(e) => errors.push(LoadError::file(source, LoadErrorKind::Dataset, e.to_string())),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(LoadErrors::new(errors))
    }
}

/// A source kind as tidy plan files write it (`Ibcf`, `Custom:<name>`...).
fn source_kind(text: &str) -> Result<FundingSourceKind, String> {
    super::tidy::source_kind(text).ok_or_else(|| {
        "unknown source kind: expected a kind as in tidy plan files, such as Ibcf, WinterPressures or Custom:<name>"
            .to_string()
    })
}
