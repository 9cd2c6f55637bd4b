//! `cors`: check, explain and index CORS configurations.
//!
//! ```text
//! cors check cors.toml
//! cors explain cors.toml --origin https://app.example.com --method OPTIONS \
//!     --request-method PUT --request-headers content-type [--json]
//! cors index build origins.txt -o origins.fst
//! ```

#![forbid(unsafe_code)]

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cors_core::{Config, Cors, RequestView};

#[derive(Parser)]
#[command(
    name = "cors",
    version,
    about = "Check, explain and index CORS configurations (cors-core)."
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
        /// The request method. A preflight is `OPTIONS` with --request-method;
        /// without --request-method, `OPTIONS` is taken as a preflight for GET.
        #[arg(long, default_value = "GET")]
        method: String,
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

fn load(path: &PathBuf) -> Result<Cors, String> {
    let cfg = Config::from_file(path).map_err(|e| format!("error: {e}"))?;
    Cors::from_config(&cfg).map_err(|e| format!("error: {e}"))
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
        } => {
            let cors = load(&config)?;
            for w in cors.warnings() {
                println!("warning: {w}");
            }
            println!(
                "{}: ok ({} preset, {} warning{})",
                config.display(),
                cors.preset().as_str(),
                cors.warnings().len(),
                if cors.warnings().len() == 1 { "" } else { "s" }
            );
            Ok(if deny_warnings && !cors.warnings().is_empty() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Explain {
            config,
            origin,
            method,
            request_method,
            request_headers,
            private_network,
            json,
        } => {
            let cors = load(&config)?;
            let request_method =
                request_method.or_else(|| (method == "OPTIONS").then(|| "GET".to_string()));
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
            let mut out = std::io::stdout().lock();
            if json {
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
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                )
                .map_err(|e| e.to_string())?;
            } else {
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Index {
            command: IndexCommand::Build { input, output },
        } => {
            let file = std::fs::File::open(&input)
                .map_err(|e| format!("error: {}: {e}", input.display()))?;
            let mut origins = Vec::new();
            for line in std::io::BufReader::new(file).lines() {
                let line = line.map_err(|e| format!("error: {}: {e}", input.display()))?;
                let t = line.trim();
                if !t.is_empty() && !t.starts_with('#') {
                    origins.push(t.to_string());
                }
            }
            let n = origins.len();
            let bytes = cors_core::build_fst(&origins).map_err(|e| format!("error: {e}"))?;
            let set = cors_core::FstOrigins::from_bytes(bytes.clone())
                .map_err(|e| format!("error: {e}"))?;
            std::fs::write(&output, &bytes)
                .map_err(|e| format!("error: {}: {e}", output.display()))?;
            println!(
                "{}: {} origins ({} lines, duplicates merged), {} bytes",
                output.display(),
                set.len(),
                n,
                bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
