//! Checks a fictional area's 2021/22 plan against the national conditions
//! in force that year, from two CSV files an officer keeps: the plan (tidy
//! CSV) and the area's published inputs (sign-offs, last year's NHS
//! minimum, the social care and out-of-hospital minimums, DFG by district,
//! the iBCF). The conditions, uplift and sources come from the shipped
//! policy calendar; no code knows this area.
//!
//! Run with `cargo run --example area_conditions`, or give your own files:
//! `cargo run --example area_conditions -- plan.csv inputs.csv 2023/24`.

use bcf_model::conditions::check_all;
use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::io::{read_area_inputs, read_file, LoadOptions};
use bcf_model::money::Precision;
use bcf_model::money::Render;
use bcf_model::text::escape;

const PLAN: &str = include_str!("data/northshire_2021_22_plan.csv");
const INPUTS: &str = include_str!("data/northshire_2021_22_inputs.csv");

fn text(path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = read_file(std::path::Path::new(path), &LoadOptions::default())?;
    Ok(String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", escape(path)))?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (plan_name, plan_text, inputs_name, inputs_text, year) = match args.as_slice() {
        [] => (
            "northshire_2021_22_plan.csv".to_string(),
            PLAN.to_string(),
            "northshire_2021_22_inputs.csv".to_string(),
            INPUTS.to_string(),
            "2021/22".parse()?,
        ),
        [plan, inputs, year] => (plan.clone(), text(plan)?, inputs.clone(), text(inputs)?, year.parse()?),
        _ => return Err("usage: area_conditions [PLAN.csv INPUTS.csv YEAR]".into()),
    };
    let plan = read_plan_tidy(&plan_name, &plan_text)?;
    let inputs = read_area_inputs(&inputs_name, &inputs_text)?;
    let calendar = bcf_model::data::policy_calendar()?;
    println!("{} — national conditions {year} (£)", escape(plan.name()));
    for check in check_all(&plan, &calendar, &inputs, year)? {
        println!("{}", check.render(Precision::POUNDS));
    }
    Ok(())
}
