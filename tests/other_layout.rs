//! Another area's published plan, read through a layout description only:
//! different contributors (an ICB and a unitary council), whole pounds,
//! sections that are not called `BCF...`, a reserves section for the
//! contingency lines and funding rows with their own names. The layout is
//! plain JSON; no code knows this area.

use bcf_model::io::published::{read_expenditure_plan, ExpenditurePlanLayout};
use bcf_model::io::LoadErrorKind;
use bcf_model::money::Money;
use bcf_model::plan::{ContingencyKind, ContributorKind, FundingSourceKind, LineFlag};
use bcf_model::reconcile::reconcile;

/// The layout of Northshire's export, as a caller would keep it in a file.
const LAYOUT: &str = r#"{
  "unit": "Pounds",
  "contributors": [
    { "prefix": "icb", "name": "Northshire ICB", "kind": "Icb" },
    { "prefix": "nuc", "name": "Northshire Unitary Council", "kind": "UnitaryCouncil" }
  ],
  "funding_rows": [
    { "name": "NHS minimum contribution", "id": "nhs_min", "kind": "NhsMinimum" },
    { "name": "Improved BCF grant", "id": "ibcf", "kind": { "Custom": "iBCF (single grant)" } },
    { "name": "Disabled Facilities Grant", "id": "dfg", "kind": "Dfg" }
  ],
  "funding_groups": [],
  "contingency_section": "Reserves",
  "contingency_rows": [
    { "name": "Shared risk reserve", "kind": "RiskPool" }
  ],
  "funding_rules": [
    { "when": { "SubgroupContains": "adaptations" }, "funding": "dfg" },
    { "when": "NhsContributor", "funding": "nhs_min" },
    { "when": "CouncilContributor", "funding": "ibcf" }
  ],
  "line_flags": [
    { "when": { "NameContains": "[protected]" }, "flag": "NhsProtected" }
  ]
}"#;

/// Northshire's plan for 2023-25, in whole pounds.
const PLAN: &str = "\
section,subgroup,kind,name,asc_code,icb_2023_24,nuc_2023_24,total_2023_24,icb_2024_25,nuc_2024_25,total_2024_25
Home first,,line,Reablement [protected],,600000,250000,850000,634000,260000,894000
Home first,,line,Discharge to assess,,300000,150000,450000,316980,158000,474980
Home first,,total,Total Home first,,900000,400000,1300000,950980,418000,1368980
Housing,Adaptations,line,Major adaptations,,0,700000,700000,0,720000,720000
Housing,,total,Total Housing,,0,700000,700000,0,720000,720000
Reserves,,line,Shared risk reserve,,100000,0,100000,105660,0,105660
Reserves,,total,Total reserves,,100000,0,100000,105660,0,105660
Funding,,funding,NHS minimum contribution,,1000000,,1000000,1056640,,1056640
Funding,,funding,Improved BCF grant,,,400000,400000,,418000,418000
Funding,,funding,Disabled Facilities Grant,,,700000,700000,,720000,720000
";

fn layout() -> ExpenditurePlanLayout {
    serde_json::from_str(LAYOUT).expect("the layout above is valid JSON of the layout")
}

#[test]
fn another_areas_plan_is_read_through_its_layout_alone() {
    let published = read_expenditure_plan("northshire.csv", PLAN, &layout()).unwrap();
    let plan = &published.plan;
    let contributors: Vec<(&str, ContributorKind)> =
        plan.contributors().iter().map(|c| (c.id.as_str(), c.kind)).collect();
    assert_eq!(
        contributors,
        [("icb", ContributorKind::Icb), ("nuc", ContributorKind::UnitaryCouncil)]
    );
    let programmes: Vec<(&str, &str)> = plan
        .programmes()
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    assert_eq!(programmes, [("Home first", "Home first"), ("Housing", "Housing")]);
    let sources: Vec<(&str, FundingSourceKind)> =
        plan.sources().iter().map(|s| (s.id.as_str(), s.kind.clone())).collect();
    assert_eq!(
        sources,
        [
            ("nhs_min", FundingSourceKind::NhsMinimum),
            ("ibcf", FundingSourceKind::Custom("iBCF (single grant)".into())),
            ("dfg", FundingSourceKind::Dfg),
        ]
    );
    assert_eq!(plan.contingency().len(), 1);
    assert_eq!(plan.contingency()[0].kind, ContingencyKind::RiskPool);
    let protected: Vec<&str> = plan
        .lines()
        .iter()
        .filter(|l| l.attributes().flags.contains(&LineFlag::NhsProtected))
        .map(|l| l.name())
        .collect();
    assert_eq!(protected, ["Reablement [protected]"]);

    // Every contributor's spend and contingency meet its income, year by
    // year, to the pound (the 2024/25 NHS minimum is 2023/24's plus 5.664%).
    let rec = reconcile(plan).unwrap();
    assert!(rec.is_balanced(), "{rec:?}");
    assert_eq!(rec.rounding_differences().count(), 0);
    let icb = plan.contributor_ix("icb");
    let nhs_2024 = plan
        .allocations()
        .iter()
        .find(|a| Some(a.contributor) == icb && a.year == "2024/25".parse().unwrap())
        .map(|a| a.amount);
    assert_eq!(nhs_2024, Some(Money::from_pence(105_664_000)));
}

#[test]
fn what_the_layout_does_not_declare_is_a_layout_error_at_its_cell() {
    let text = PLAN
        .replace("nuc_2023_24", "xyz_2023_24")
        .replace("Improved BCF grant", "iBCF")
        .replace("Shared risk reserve", "Winter reserve");
    let errors = read_expenditure_plan("northshire.csv", &text, &layout()).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, &LoadErrorKind)> =
        errors.iter().map(|e| (e.line, e.column.as_deref(), &e.kind)).collect();
    assert_eq!(
        found,
        [
            (Some(1), Some("xyz_2023_24"), &LoadErrorKind::Layout),
            (Some(7), Some("name"), &LoadErrorKind::Layout),
            (Some(10), Some("name"), &LoadErrorKind::Layout),
        ],
        "{errors}"
    );
    // Nothing is guessed from a name: not the contributor's kind from its
    // prefix, nor a stream's kind from its row's name.
    assert!(
        errors[0].problem.contains("declares no contributor column \"xyz\""),
        "{errors}"
    );
    assert!(errors[2].problem.contains("declares no funding row"), "{errors}");
}

#[test]
fn the_leicestershire_layout_is_data_too() {
    let layout = bcf_model::data::leicestershire::expenditure_plan_layout();
    let text = serde_json::to_string(&layout).unwrap();
    let again: ExpenditurePlanLayout = serde_json::from_str(&text).unwrap();
    assert_eq!(again, layout);
    assert_eq!(layout.funding_rows.len(), 5);
}
