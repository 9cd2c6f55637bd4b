//! The `cors` binary on temporary configuration files: the error format,
//! `--preflight`, and a plain OPTIONS request.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Writes `text` to a fresh temporary file named after the test.
fn config(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("cors-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

fn cors(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ALLOW_A: &str =
    "allow_origins = [\"https://a.example\"]\nallow_methods = [\"GET\", \"PUT\"]\n";

#[test]
fn the_three_reported_files_name_key_value_and_fix() {
    let cases = [
        ("e.toml", "max_age = -1\n", "error: invalid CORS configuration: max_age = \"-1\": a whole number of seconds cannot be negative (fix: write e.g. max_age = 600 (0 turns preflight caching off))"),
        ("e2.toml", "allow_credentials = \"yes\"\n", "error: invalid CORS configuration: allow_credentials = \"yes\": expected true or false, found a string (fix: write allow_credentials = true (a boolean, without quotes))"),
        ("e3.toml", "allow_orgins = [\"https://a.example\"]\n", "error: invalid CORS configuration: allow_orgins = \"[\\\"https://a.example\\\"]\": unknown key; did you mean `allow_origins`? (fix: rename it to allow_origins)"),
    ];
    for (name, text, line) in cases {
        let path = config(name, text);
        let o = cors(&["check", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert_eq!(stderr(&o).trim_end(), line, "{name}");
    }
}

#[test]
fn several_errors_one_line_each() {
    let path = config(
        "many.toml",
        "max_age = 1.5\nallow_orgins = []\n[[rules]]\nallow_credentials = 1\n",
    );
    let o = cors(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    for (line, field) in lines
        .iter()
        .zip(["max_age", "allow_orgins", "rules[0].allow_credentials"])
    {
        let head = format!("error: invalid CORS configuration: {field} = ");
        assert!(line.starts_with(&head) && line.contains("(fix: "), "{line}");
    }
    // Errors found when building the engine print the same way.
    let path = config(
        "bad-origin.toml",
        "allow_origins = [\"https://a.example/\"]\n",
    );
    let o = cors(&["check", path.to_str().unwrap()]);
    assert!(
        stderr(&o).starts_with("error: invalid CORS configuration: allow_origins[0] = "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn preflight_is_options_with_a_request_method() {
    let path = config("preflight.toml", ALLOW_A);
    let p = path.to_str().unwrap();
    let short = cors(&[
        "explain",
        p,
        "--origin",
        "https://a.example",
        "--preflight",
        "PUT",
    ]);
    assert!(short.status.success(), "{}", stderr(&short));
    let out = stdout(&short);
    assert!(out.starts_with("preflight ALLOWED"), "{out}");
    assert!(
        out.contains("Access-Control-Allow-Methods: GET, PUT"),
        "{out}"
    );
    let long = cors(&[
        "explain",
        p,
        "--origin",
        "https://a.example",
        "--method",
        "OPTIONS",
        "--request-method",
        "PUT",
    ]);
    assert_eq!(
        stdout(&long),
        out,
        "--preflight PUT = --method OPTIONS --request-method PUT"
    );
    let with_options = cors(&[
        "explain",
        p,
        "--origin",
        "https://a.example",
        "--method",
        "OPTIONS",
        "--preflight",
        "PUT",
    ]);
    assert_eq!(stdout(&with_options), out);
    let refused = cors(&[
        "explain",
        p,
        "--origin",
        "https://a.example",
        "--preflight",
        "DELETE",
    ]);
    assert!(
        stdout(&refused).starts_with("preflight REFUSED"),
        "{}",
        stdout(&refused)
    );
}

#[test]
fn preflight_conflicts_with_another_method() {
    let path = config("conflict.toml", ALLOW_A);
    let p = path.to_str().unwrap();
    let o = cors(&["explain", p, "--method", "GET", "--preflight", "PUT"]);
    assert_eq!(o.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&o).contains("cannot be combined with --method GET"),
        "{}",
        stderr(&o)
    );
    let o = cors(&[
        "explain",
        p,
        "--preflight",
        "PUT",
        "--request-method",
        "PUT",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--request-method"), "{}", stderr(&o));
}

#[test]
fn plain_options_is_not_a_preflight() {
    let path = config("options.toml", ALLOW_A);
    let o = cors(&[
        "explain",
        path.to_str().unwrap(),
        "--origin",
        "https://a.example",
        "--method",
        "OPTIONS",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["kind"], "actual", "{v}");
    assert_eq!(
        v["status"],
        serde_json::Value::Null,
        "the application answers it: {v}"
    );
    let headers = v["headers"].to_string();
    assert!(
        !headers.contains("Access-Control-Allow-Methods"),
        "{headers}"
    );
}

#[test]
fn a_good_file_checks_ok() {
    let path = config("ok.toml", ALLOW_A);
    let o = cors(&["check", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(": ok (standard preset"),
        "{}",
        stdout(&o)
    );
}
