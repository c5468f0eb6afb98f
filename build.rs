//! Embeds the shipped question banks so the binary works with no files beside it.
//! Generates a table of (relative path, contents) with `include_str!`, and asks cargo
//! to rebuild whenever anything under questions/ changes.
//!
//! Also compiles the PostgreSQL test suites in only where this machine can start a PostgreSQL
//! server (cfg `postgres_server`); elsewhere one test says loudly that they were skipped, or
//! fails when CERTSPRINT_REQUIRE_POSTGRES is set, as in CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

include!("tests/common/postgres_binaries.rs");

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_server)");
    println!("cargo::rerun-if-changed=tests/common/postgres_binaries.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    // A path that does not exist would rerun this script (and rebuild the crate) every time.
    if std::path::Path::new("/usr/lib/postgresql").exists() {
        println!("cargo::rerun-if-changed=/usr/lib/postgresql");
    }
    if postgres_binaries().is_some() {
        println!("cargo::rustc-cfg=postgres_server");
    }

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("questions");
    println!("cargo:rerun-if-changed={}", root.display());

    let mut files = Vec::new();
    collect_toml(&root, &mut files);
    files.sort();

    let mut out =
        String::from("/// Shipped bank files: (path relative to questions/, contents).\n");
    out.push_str("pub static EMBEDDED_BANK_FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");

    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded_banks.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect_toml(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        }
    }
}
