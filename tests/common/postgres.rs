//! A throwaway PostgreSQL server for the tests: one per test process, started from the server
//! binaries found on this machine (`initdb`/`pg_ctl` on PATH, else the Debian location) in a
//! temporary directory on a free port, and stopped and removed when the process ends. Each test
//! gets a database of its own on it. No test touches a server it did not start.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// Set (to anything but 0) where PostgreSQL must be tested: a missing server is then a failure.
pub const REQUIRE: &str = "CERTSPRINT_REQUIRE_POSTGRES";

pub fn required() -> bool {
    std::env::var(REQUIRE).is_ok_and(|value| !value.is_empty() && value != "0")
}

// `postgres_binaries()`: shared with the build script, which compiles the PostgreSQL suites in
// only where a server can be started.
include!("postgres_binaries.rs");

struct Server {
    port: u16,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database on this process's server, as a `postgres://` URL.
pub async fn database() -> String {
    let port = SERVER.get_or_init(start).port;
    let name = format!("test_{}", DATABASES.fetch_add(1, Ordering::SeqCst));
    let admin = format!("postgres://certsprint@127.0.0.1:{port}/postgres");
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("connect to the test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("create a test database");
    format!("postgres://certsprint@127.0.0.1:{port}/{name}")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// PostgreSQL refuses to run as root: there, its commands run as the `postgres` user.
fn server_command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut command: Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn start() -> Server {
    let bin = postgres_binaries().expect("PostgreSQL server binaries (initdb, pg_ctl)");
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!(
        "certsprint-pg-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).expect("server directory");
    if as_postgres {
        run(
            {
                let mut chown = Command::new("chown");
                chown.arg("postgres:postgres").arg(&dir);
                chown
            },
            "chown the server directory",
        );
    }
    let data = dir.join("data");
    let mut initdb = server_command(&bin, "initdb", as_postgres);
    initdb.arg("-D").arg(&data).args([
        "-U",
        "certsprint",
        "--auth=trust",
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C",
    ]);
    run(initdb, "initdb");
    let port = free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off",
        dir.display()
    );
    let mut pg_ctl = server_command(&bin, "pg_ctl", as_postgres);
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-w", "-t", "120", "-o", &options, "start"]);
    run(pg_ctl, "pg_ctl start");
    // The server outlives nothing: a watcher stops it and removes its directory once this test
    // process has ended, however it ended.
    let stop = format!(
        "{}{} -D '{}' stop -m immediate",
        if as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        },
        bin.join("pg_ctl").display(),
        data.display()
    );
    let watcher = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    // Never waited for: it must outlive this process.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", &watcher])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server's watcher");
    Server { port }
}
