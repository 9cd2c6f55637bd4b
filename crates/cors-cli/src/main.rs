//! `cors`: check, explain and index CORS configurations.
//!
//! ```text
//! cors check cors.toml
//! cors explain cors.toml --origin https://app.example.com --preflight PUT \
//!     --request-headers content-type [--json]
//! cors explain cors.toml --origin https://app.example.com --method OPTIONS   # a plain OPTIONS request
//! cors index build origins.txt -o origins.fst
//! ```

#![forbid(unsafe_code)]

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use fastcors_core::{Config, ConfigErrors, Cors, Explanation, RequestView};

#[derive(Parser)]
#[command(
    name = "cors",
    version,
    about = "Check, explain and index CORS configurations (fastcors-core)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate and lint a configuration file (TOML or JSON). Exits 1 on errors.
    Check {
        /// The configuration file.
        config: PathBuf,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Show the decision, its reasons and the exact response headers for a request.
    Explain {
        /// The configuration file.
        config: PathBuf,
        /// The request's Origin header.
        #[arg(long)]
        origin: Option<String>,
        /// The request method (default GET). `OPTIONS` alone is a plain
        /// OPTIONS request, as a browser sends it without a preflight; add
        /// --request-method, or use --preflight, for a preflight.
        #[arg(long)]
        method: Option<String>,
        /// Explain the preflight a browser sends before a METHOD request:
        /// short for `--method OPTIONS --request-method METHOD`.
        #[arg(long, value_name = "METHOD", conflicts_with = "request_method")]
        preflight: Option<String>,
        /// Access-Control-Request-Method (for a preflight).
        #[arg(long)]
        request_method: Option<String>,
        /// Access-Control-Request-Headers (repeat for several fields).
        #[arg(long)]
        request_headers: Vec<String>,
        /// Send Access-Control-Request-Private-Network: true.
        #[arg(long)]
        private_network: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Build and inspect fst origin indexes.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Build an fst set from a text file of origins (one per line, `#` comments).
    Build {
        /// The text file.
        input: PathBuf,
        /// The fst file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Every configuration error on its own line, as
/// `error: invalid CORS configuration: <field> = <value>: <message> (fix: <hint>)`.
fn error_lines(errors: &ConfigErrors) -> String {
    let lines: Vec<String> = errors
        .errors()
        .iter()
        .map(|e| format!("error: invalid CORS configuration: {e}"))
        .collect();
    lines.join("\n")
}

fn load(path: &PathBuf) -> Result<Cors, String> {
    let cfg = Config::from_file(path).map_err(|e| error_lines(&e))?;
    Cors::from_config(&cfg).map_err(|e| error_lines(&e))
}

/// The request method and Access-Control-Request-Method that `--method`,
/// `--preflight` and `--request-method` describe.
fn request_methods(
    method: Option<String>,
    preflight: Option<String>,
    request_method: Option<String>,
) -> Result<(String, Option<String>), String> {
    match (method, preflight) {
        (Some(m), Some(p)) if !m.eq_ignore_ascii_case("OPTIONS") => Err(format!(
            "--preflight {p} explains the OPTIONS preflight before a {p} request; it cannot be \
             combined with --method {m} (drop --method, or drop --preflight to explain the {m} request itself)"
        )),
        (_, Some(p)) => Ok(("OPTIONS".to_string(), Some(p))),
        (m, None) => Ok((m.unwrap_or_else(|| "GET".to_string()), request_method)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check {
            config,
            deny_warnings,
        } => check(&config, deny_warnings),
        Command::Explain {
            config,
            origin,
            method,
            preflight,
            request_method,
            request_headers,
            private_network,
            json,
        } => {
            let (method, request_method) = request_methods(method, preflight, request_method)
                .unwrap_or_else(|msg| {
                    Cli::command()
                        .error(clap::error::ErrorKind::ArgumentConflict, msg)
                        .exit()
                });
            let cors = load(&config)?;
            let mut view = RequestView::new(method.as_bytes());
            if let Some(o) = &origin {
                view.add_origin(o.as_bytes());
            }
            if let Some(m) = &request_method {
                view = view.with_request_method(m.as_bytes());
            }
            for h in &request_headers {
                view.add_request_headers(h.as_bytes());
            }
            if private_network {
                view = view.with_request_private_network(b"true");
            }
            let e = cors.explain(&view);
            if json {
                print_json(&e)?;
            } else {
                print_text(&e);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Index {
            command: IndexCommand::Build { input, output },
        } => index_build(&input, &output),
    }
}

fn check(config: &PathBuf, deny_warnings: bool) -> Result<ExitCode, String> {
    let cors = load(config)?;
    for w in cors.warnings() {
        println!("warning: {w}");
    }
    let n = cors.warnings().len();
    println!(
        "{}: ok ({} preset, {n} warning{})",
        config.display(),
        cors.preset().as_str(),
        if n == 1 { "" } else { "s" }
    );
    Ok(if deny_warnings && n > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_json(e: &Explanation) -> Result<(), String> {
    let v = serde_json::json!({
        "kind": e.kind,
        "allowed": e.allowed,
        "status": e.status,
        "headers": e.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
        "reasons": e.reasons,
        "body": e.body,
        "matched_rule": e.matched_rule,
        "matched_by": e.matched_by,
    });
    let text = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
    writeln!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string())
}

fn print_text(e: &Explanation) {
    let mut out = std::io::stdout().lock();
    let verdict = if e.allowed { "ALLOWED" } else { "REFUSED" };
    let _ = writeln!(out, "{} {verdict}", e.kind);
    if let (Some(r), Some(b)) = (&e.matched_rule, &e.matched_by) {
        let _ = writeln!(out, "matched: rule {r}, by {b}");
    }
    match e.status {
        Some(s) => {
            let _ = writeln!(out, "status: {s} (answered by the CORS layer)");
        }
        None => {
            let _ = writeln!(out, "status: from the application");
        }
    }
    for (n, v) in &e.headers {
        let _ = writeln!(out, "  {n}: {v}");
    }
    if let Some(b) = e.body.as_deref().filter(|b| !b.is_empty()) {
        let _ = writeln!(out, "body: {b}");
    }
    for r in &e.reasons {
        let _ = writeln!(out, "reason: {r}");
    }
}

fn index_build(input: &PathBuf, output: &PathBuf) -> Result<ExitCode, String> {
    let file =
        std::fs::File::open(input).map_err(|e| format!("error: {}: {e}", input.display()))?;
    let mut origins = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("error: {}: {e}", input.display()))?;
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            origins.push(t.to_string());
        }
    }
    let n = origins.len();
    let bytes = fastcors_core::build_fst(&origins).map_err(|e| format!("error: {e}"))?;
    let set =
        fastcors_core::FstOrigins::from_bytes(bytes.clone()).map_err(|e| format!("error: {e}"))?;
    std::fs::write(output, &bytes).map_err(|e| format!("error: {}: {e}", output.display()))?;
    println!(
        "{}: {} origins ({} lines, duplicates merged), {} bytes",
        output.display(),
        set.len(),
        n,
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
