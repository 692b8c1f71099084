//! The command-line front end: clap definitions and one handler per command.

mod calibrate;
mod check;
mod compare;
mod compare_ensemble;
mod map;
mod output;
mod reference;
mod run;
mod sweep;
mod validate;
mod verify;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use self::output::OutputDir;
use crate::experiment::MAX_REPLICATES;
use crate::report::{PlotFormat, ReportOptions};
use crate::scenario::ModelKind;

/// The most worker threads `--threads` takes (0 means one per core): far above the cores of
/// any one machine, low enough that a typo cannot start a hundred thousand threads.
pub const MAX_THREADS: u64 = 1_024;

/// The parser of `--replicates`: 1 to [`MAX_REPLICATES`], as a scenario's `replicates`.
fn replicates_parser() -> clap::builder::RangedU64ValueParser<u32> {
    clap::builder::RangedU64ValueParser::<u32>::new().range(1..=u64::from(MAX_REPLICATES))
}

/// The parser of `--threads`: 0 (one per core) to [`MAX_THREADS`].
fn threads_parser() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_THREADS)
}

/// sahelsim: simulate militant violence in the central Sahel and compare policies.
#[derive(Debug, Parser)]
#[command(name = "sahelsim", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate a scenario, and print a short summary of it.
    Check(CheckArgs),
    /// Run a scenario's replicates; write events, time series, summary and manifest.
    Run(RunArgs),
    /// Run scenarios on the same seeds and report each one's paired differences against the
    /// first (the base) over the policy period, with 95 % confidence intervals.
    Compare(CompareArgs),
    /// Compare a scenario's replicates with the calibration targets C1–C11 (2017–2020), the
    /// plausibility checks P1–P3 (2021–2024, where the scenario runs that far) and the
    /// strength and money targets S1–S5; exit status 1 when a target is missed.
    Validate(ValidateArgs),
    /// Search a calibration spec's free parameters for the best fit to the targets; write the
    /// ranked points (calibration.csv) and the best as a scenario (best.ron).
    Calibrate(CalibrateArgs),
    /// Run a parameter sweep (or one shard of it) and work out which parameters drive each
    /// outcome; `sweep merge` joins shards, `sweep slurm` writes a Slurm job array.
    Sweep(SweepCommand),
    /// Draw the rasterised map a scenario runs on (PNG and SVG).
    Map(MapArgs),
    /// Check an output folder against its manifest.json: every file listed there, with the
    /// same size and SHA-256, and no other; exit status 1 with the list of missing, extra and
    /// changed files.
    Verify(VerifyArgs),
    /// Serve the explorer: a local web page to pick a scenario, design a policy, run it against
    /// its base, watch the map month by month and read the comparison (docs/explorer.md).
    Serve(ServeArgs),
}

/// The arguments of `sahelsim serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8023)]
    pub port: u16,
    /// Address to listen on. The default, 127.0.0.1, lets only this machine in; another
    /// address lets in anyone who can reach it.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Folder of the scenarios offered (uploads may extend its files).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Folder the runs are written to, one subfolder per browser session.
    #[arg(long, default_value = "output/explorer")]
    pub work: PathBuf,
}

/// The arguments of `sahelsim verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The output folder (of `run`, `compare`, `validate`, `calibrate`, `map`, `sweep`).
    pub dir: PathBuf,
}

/// The arguments of `sahelsim check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
}

/// The arguments of `sahelsim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
    /// Number of replicates, 1 to 100000 (default: the scenario's `replicates`).
    #[arg(long, value_parser = replicates_parser())]
    pub replicates: Option<u32>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: the scenario's `output.dir`, normally `output/<name>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads, at most 1024; 0 or absent: one per core. Results do not depend on it.
    #[arg(long, value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// Write the event log gzip-compressed, as events.csv.gz (about a tenth of the size;
    /// pandas, polars and R read it directly), for large ensembles.
    #[arg(long)]
    pub events_gzip: bool,
    /// Plots and report.
    #[command(flatten)]
    pub report: ReportOptions,
}

/// The arguments of `sahelsim compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The base scenario, then the scenarios compared with it (RON).
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// Replicates per scenario, 2 to 100000 (default: the base's `replicates`).
    #[arg(long, value_parser = replicates_parser())]
    pub replicates: Option<u32>,
    /// Master seed of every scenario (default: the base's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// First day of the policy period, ISO date (default: the earliest intervention start).
    #[arg(long)]
    pub from: Option<String>,
    /// How outcomes are broken down beside the whole study area, comma-separated:
    /// `area` (areas of operation), `region` (admin-1 regions), or `area,region`.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "area",
        value_name = "BREAKDOWN"
    )]
    pub by: Vec<crate::record::outcome::Breakdown>,
    /// Mechanisms switched off in every scenario compared, comma-separated, to see how much
    /// of an effect goes away without them (docs/policies.md).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "MECHANISM")]
    pub ablate: Vec<crate::experiment::ablation::Mechanism>,
    /// An ensemble of plausible parameter sets (the `ensemble.ron` of `sahelsim calibrate`):
    /// every scenario runs in every member × replicates, and each effect is reported over the
    /// ensemble with the share of worlds where it falls or rises (docs/policies.md). With it,
    /// `--replicates` defaults to 4.
    #[arg(long, value_name = "FILE")]
    pub ensemble: Option<PathBuf>,
    /// With `--ensemble`: run the first N members only (default: all).
    #[arg(long, value_name = "N", requires = "ensemble", value_parser = clap::value_parser!(u32).range(2..))]
    pub members: Option<u32>,
    /// Output folder (default: output/compare-BASE, output/compare-BASE-without-MECHANISM
    /// with `--ablate`, output/compare-BASE-ensemble with `--ensemble`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads, at most 1024; 0 or absent: one per core. Results do not depend on it.
    #[arg(long, value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// Plots and report.
    #[command(flatten)]
    pub report: ReportOptions,
}

/// The arguments of `sahelsim validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The scenario file (RON).
    #[arg(default_value = "scenarios/baseline.ron")]
    pub file: PathBuf,
    /// Number of replicates, 1 to 100000 (default: the scenario's `replicates`).
    #[arg(long, value_parser = replicates_parser())]
    pub replicates: Option<u32>,
    /// Master seed (default: the scenario's `seed`); another seed checks the fit on
    /// replicates the calibration never saw.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder for validation.json and the plot (default: the scenario's output folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads, at most 1024; 0 or absent: one per core.
    #[arg(long, value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// Plots and report.
    #[command(flatten)]
    pub report: ReportOptions,
}

/// The arguments of `sahelsim calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The calibration spec (RON).
    pub spec: PathBuf,
    /// Output folder (default: output/NAME, NAME being the spec's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads, at most 1024; 0 or absent: one per core.
    #[arg(long, value_parser = threads_parser())]
    pub threads: Option<usize>,
}

/// The arguments of `sahelsim map`.
#[derive(Debug, clap::Args)]
pub struct MapArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
    /// Output folder; default: the scenario's output folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Picture formats to write.
    #[arg(long, value_enum, default_value_t = PlotFormat::Both)]
    pub plots: PlotFormat,
}

/// `sahelsim sweep`: a spec to run, or one of its subcommands.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepCommand {
    /// `merge` or `slurm`; without one, runs the sweep SPEC.
    #[command(subcommand)]
    pub action: Option<SweepAction>,
    /// The sweep spec (RON).
    #[arg(required = true)]
    pub spec: Option<PathBuf>,
    /// Output folder (default: output/sweep-NAME, NAME being the spec's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep in the output folder: only the runs not yet saved run,
    /// and the results end exactly as an uninterrupted sweep's.
    #[arg(long)]
    pub resume: bool,
    /// Start afresh in an output folder that holds another sweep or run: its files are removed
    /// first (subfolders, such as a cluster sweep's `slurm/` and `shards/`, are kept).
    #[arg(long, conflicts_with = "resume")]
    pub overwrite: bool,
    /// Run only shard K of N (K from 1), e.g. `--shard 3/16`: a fixed share of the runs, for
    /// one task of a cluster job array; `sweep merge` joins the shards.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Worker threads, at most 1024; 0 or absent: one per core. Results do not depend on it.
    #[arg(long, value_parser = threads_parser())]
    pub threads: Option<usize>,
    /// Plot formats and report.html.
    #[command(flatten)]
    pub report: ReportOptions,
}

/// The subcommands of `sahelsim sweep`.
#[derive(Debug, Subcommand)]
pub enum SweepAction {
    /// Merge the output folders of every shard of a sweep into the result of a whole run
    /// (byte-identical results), then analyse it.
    Merge(MergeArgs),
    /// Write a Slurm job array that runs the sweep in N shards, the job that merges them, and
    /// a script that submits both.
    Slurm(SlurmArgs),
}

/// The arguments of `sahelsim sweep merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shards' output folders, in any order.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder (default: output/sweep-NAME).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace what the output folder holds (another run's outputs): the folder is replaced
    /// as a whole, so files this run does not write are removed.
    #[arg(long)]
    pub overwrite: bool,
    /// Plot formats and report.html.
    #[command(flatten)]
    pub report: ReportOptions,
}

/// The arguments of `sahelsim sweep slurm`.
#[derive(Debug, clap::Args)]
pub struct SlurmArgs {
    /// The sweep spec (RON).
    pub spec: PathBuf,
    /// Number of shards (array tasks).
    #[arg(long)]
    pub shards: u64,
    /// Output folder (default: output/sweep-NAME); the scripts go to its `slurm/`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Slurm partition.
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per array task, in Slurm's format (e.g. 02:00:00).
    #[arg(long)]
    pub time: Option<String>,
    /// CPUs per array task (its runs use them all).
    #[arg(long, default_value_t = 1)]
    pub cpus_per_task: u32,
    /// Memory per array task, in Slurm's format (e.g. 4G).
    #[arg(long)]
    pub mem: Option<String>,
}

/// Refuses a reference-model scenario in a command that runs only the Sahel model.
fn require_sahel(s: &crate::scenario::Scenario, command: &str) -> anyhow::Result<()> {
    match s.kind {
        ModelKind::Sahel => Ok(()),
        ModelKind::Epstein => Err(anyhow::anyhow!(
            "{}: `{command}` applies to scenarios of the Sahel model; this one is `kind: {:?}` (use `sahelsim run`)",
            s.sources
                .first()
                .map(|f| f.path.as_str())
                .unwrap_or(&s.name),
            s.kind
        )),
    }
}

/// A rayon pool of `threads` workers (0 or none: one per core; at most [`MAX_THREADS`]).
fn worker_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    if let Some(t) = threads
        && t as u64 > MAX_THREADS
    {
        return Err(anyhow::anyhow!(
            "--threads {t}: at most {MAX_THREADS} worker threads (0: one per core)"
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start worker threads: {e}"))
}

/// Applies `--replicates` and `--seed` to a scenario: replicates within the range a
/// scenario's `replicates` takes ([`MAX_REPLICATES`]).
fn override_replicates_and_seed(
    s: &mut crate::scenario::Scenario,
    replicates: Option<u32>,
    seed: Option<u64>,
) -> anyhow::Result<()> {
    if let Some(r) = replicates {
        s.replicates = check_replicates(r)?;
    }
    if let Some(seed) = seed {
        s.seed = seed;
    }
    Ok(())
}

/// Checks a `--replicates` value: from 1 to [`MAX_REPLICATES`], as in a scenario.
fn check_replicates(replicates: u32) -> anyhow::Result<u32> {
    if replicates == 0 {
        return Err(anyhow::anyhow!("--replicates must be at least 1"));
    }
    if replicates > MAX_REPLICATES {
        return Err(anyhow::anyhow!(
            "--replicates must be at most {MAX_REPLICATES}, as a scenario's `replicates`"
        ));
    }
    Ok(replicates)
}

/// A progress bar over `days` simulated days (drawn only on a terminal).
fn progress_bar(days: u64, message: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(days),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {percent:>3}% {human_pos}/{human_len} days, {rate}, ETA {eta}",
        )
        .expect("valid template")
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} days/s", s.per_sec());
            },
        )
        .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    log_progress_when_not_a_terminal(&bar, "days");
    bar
}

/// How often progress is written when stderr is not a terminal.
const PROGRESS_LOG_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// When stderr is not a terminal (a batch job, a CI log), where indicatif draws nothing,
/// writes one line of progress every [`PROGRESS_LOG_EVERY`] (or every
/// `SAHELSIM_PROGRESS_EVERY_MS` milliseconds, as `sahelsim serve` asks of the comparisons it
/// starts) until the bar is finished:
/// "MESSAGE: 12,345 of 40,000 days (31 %), 2 min elapsed". `unit` names what the bar counts.
fn log_progress_when_not_a_terminal(bar: &indicatif::ProgressBar, unit: &'static str) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        return;
    }
    let every = std::env::var(crate::explorer::PROGRESS_EVERY_MS_ENV)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(PROGRESS_LOG_EVERY, |ms| {
            std::time::Duration::from_millis(ms.max(50))
        });
    let bar = bar.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(every);
            if bar.is_finished() {
                break;
            }
            eprintln!("{}", progress_line(&bar, unit));
        }
    });
}

/// One line of progress for a log.
fn progress_line(bar: &indicatif::ProgressBar, unit: &str) -> String {
    use crate::report::format::count;
    let (pos, len) = (bar.position(), bar.length().unwrap_or(0));
    let percent = (100 * pos).checked_div(len).unwrap_or(0);
    format!(
        "{}: {} of {} {unit} ({percent} %), {} min elapsed",
        bar.message(),
        count(pos),
        count(len),
        bar.elapsed().as_secs() / 60
    )
}

/// Width of the target column of the printed validation table; longer descriptions wrap onto
/// the next lines at a word.
const TARGET_WIDTH: usize = 58;

/// The printed validation table: each target's description whole (wrapped, never cut), its
/// band, the simulated mean and 90 % interval, and the result.
fn targets_table(results: &[crate::experiment::validation::TargetResult]) -> String {
    use crate::report::format::{interval, number, percent};
    let line = |id: &str,
                target: &str,
                band: &str,
                mean: &str,
                spread: &str,
                in_band: &str,
                result: &str| {
        format!(
            "{id:<5} {target:<TARGET_WIDTH$} {band:>16} {mean:>10} {spread:>20} {in_band:>7} {result:>5}"
        )
        .trim_end()
        .to_string()
            + "\n"
    };
    let mut s = line(
        "id",
        "target",
        "band",
        "mean",
        "90 % interval",
        "in band",
        "",
    );
    for r in results {
        let fact = crate::report::format::wrap(r.target.fact, TARGET_WIDTH);
        let mean = crate::report::validate_report::mean_text(r);
        let result = if !r.covered {
            "n/a"
        } else if r.pass {
            "pass"
        } else {
            "FAIL"
        };
        s.push_str(&line(
            r.target.id,
            fact.first().map(String::as_str).unwrap_or(""),
            &format!("{}–{}", number(r.target.lo), number(r.target.hi)),
            &mean,
            &interval(r.p05, r.p95),
            &percent(r.share_in_band()),
            result,
        ));
        for more in fact.iter().skip(1) {
            s.push_str(&line("", more, "", "", "", "", ""));
        }
    }
    s
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Check(args) => {
            let scenario = crate::scenario::load(&args.file)?;
            match scenario.kind {
                ModelKind::Sahel => check::run(&scenario),
                ModelKind::Epstein => reference::check(&scenario),
            }
        }
        Command::Map(args) => map::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Serve(args) => crate::explorer::serve(&crate::explorer::ServeOptions {
            host: args.host,
            port: args.port,
            scenarios: args.scenarios,
            work: args.work,
        }),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Sweep(cmd) => match &cmd.action {
            Some(SweepAction::Merge(args)) => sweep::merge(args),
            Some(SweepAction::Slurm(args)) => sweep::slurm(args),
            None => sweep::run(&cmd),
        },
        Command::Compare(args) => compare::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Run(args) => {
            let mut scenario = crate::scenario::load(&args.file)?;
            override_replicates_and_seed(&mut scenario, args.replicates, args.seed)?;
            let out = OutputDir::create(
                args.out
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(&scenario.output.dir)),
                args.overwrite,
            )?;
            match scenario.kind {
                ModelKind::Sahel => run::run(&args, scenario, &out),
                ModelKind::Epstein => reference::run(&args, &scenario, &out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::targets::TARGETS;
    use crate::experiment::validation::TargetResult;

    #[test]
    fn the_targets_table_prints_every_description_whole() {
        let results: Vec<TargetResult> = TARGETS
            .iter()
            .map(|t| TargetResult {
                target: *t,
                mean: 74_005.0,
                p05: -0.5,
                p95: 0.000_25,
                covered: true,
                pass: false,
                values: vec![],
            })
            .collect();
        let table = targets_table(&results);
        // The target column, read line after line, gives back every description word for word.
        let column: Vec<String> = table
            .lines()
            .skip(1)
            .map(|l| l.chars().skip(6).take(TARGET_WIDTH).collect::<String>())
            .collect();
        let words: Vec<&str> = column.iter().flat_map(|c| c.split_whitespace()).collect();
        let expected: Vec<&str> = TARGETS
            .iter()
            .flat_map(|t| t.fact.split_whitespace())
            .collect();
        assert_eq!(words, expected);
        assert!(table.contains("74,005") && table.contains("-0.500 – 0.000250"));
    }
}
