//! SQLite's C API on the writer's own connection, for the answer writer: statements prepared once
//! per batch and run on the calling thread, with no round trip to sqlx's worker thread per
//! statement. Runs inside a transaction sqlx began and commits, while sqlx's handle is locked
//! (`LockedSqliteHandle`), so the worker makes no call on the connection meanwhile.

use std::collections::HashMap;
use std::ffi::{c_int, CStr};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;

use super::{StoreError, StoreResult};

/// A value bound to a statement parameter.
pub(super) enum Value<'a> {
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// A prepared statement, with the argument each of its parameters takes (`$N` takes the Nth).
struct Prepared {
    statement: NonNull<ffi::sqlite3_stmt>,
    arguments: Vec<usize>,
}

/// The writer connection, locked out of sqlx for one batch. Dropping it finalizes its statements
/// and hands the connection back.
pub(super) struct DirectConnection<'c> {
    db: NonNull<ffi::sqlite3>,
    statements: HashMap<String, Prepared>,
    // Declared last: dropped after `Drop::drop` has finalized the statements.
    _lock: LockedSqliteHandle<'c>,
}

// SAFETY: the lock gives this value the only use of the connection until it is dropped, and
// the bundled SQLite is built thread-safe (SQLITE_THREADSAFE=1), so the connection and its
// statements may be used from whichever thread polls the writer next, one at a time.
unsafe impl Send for DirectConnection<'_> {}

/// One result row, read while the statement stands on it.
pub(super) struct Row(NonNull<ffi::sqlite3_stmt>);

impl Row {
    pub(super) fn int(&self, column: c_int) -> i64 {
        // SAFETY: the statement stands on a row (`sqlite3_step` returned SQLITE_ROW).
        unsafe { ffi::sqlite3_column_int64(self.0.as_ptr(), column) }
    }

    pub(super) fn optional_int(&self, column: c_int) -> Option<i64> {
        // SAFETY: as above.
        let kind = unsafe { ffi::sqlite3_column_type(self.0.as_ptr(), column) };
        (kind != ffi::SQLITE_NULL).then(|| self.int(column))
    }

    pub(super) fn real(&self, column: c_int) -> f64 {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_column_double(self.0.as_ptr(), column) }
    }

    pub(super) fn text(&self, column: c_int) -> String {
        // SAFETY: as above; the text pointer and its length stay valid until the next call on
        // the statement, and are copied before that.
        unsafe {
            let text = ffi::sqlite3_column_text(self.0.as_ptr(), column);
            if text.is_null() {
                return String::new();
            }
            let len = ffi::sqlite3_column_bytes(self.0.as_ptr(), column) as usize;
            String::from_utf8_lossy(std::slice::from_raw_parts(text, len)).into_owned()
        }
    }
}

impl<'c> DirectConnection<'c> {
    pub(super) fn new(mut lock: LockedSqliteHandle<'c>) -> DirectConnection<'c> {
        DirectConnection {
            db: lock.as_raw_handle(),
            statements: HashMap::new(),
            _lock: lock,
        }
    }

    /// Runs `sql` with `arguments` to completion, reading the first row it returns (if any) with
    /// `read`; returns that and how many rows the statement changed.
    pub(super) fn run<T>(
        &mut self,
        sql: &str,
        arguments: &[Value<'_>],
        read: impl FnOnce(&Row) -> T,
    ) -> StoreResult<(Option<T>, u64)> {
        let db = self.db;
        let prepared = self.prepare(sql)?;
        let statement = prepared.statement.as_ptr();
        for (parameter, &argument) in prepared.arguments.iter().enumerate() {
            let parameter = parameter as c_int + 1;
            let value = arguments.get(argument).ok_or_else(|| StoreError::Sqlite {
                code: ffi::SQLITE_RANGE,
                message: format!("no argument ${} for {sql}", argument + 1),
            })?;
            // SAFETY: `statement` is prepared on this connection and reset; SQLITE_TRANSIENT
            // makes SQLite copy text before `arguments` can go.
            let rc = unsafe {
                match value {
                    Value::Int(value) => ffi::sqlite3_bind_int64(statement, parameter, *value),
                    Value::Real(value) => ffi::sqlite3_bind_double(statement, parameter, *value),
                    Value::Text(text) => ffi::sqlite3_bind_text(
                        statement,
                        parameter,
                        text.as_ptr().cast(),
                        text.len() as c_int,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(db, rc));
            }
        }
        let row = Row(prepared.statement);
        let mut first = None;
        let mut read = Some(read);
        let outcome = loop {
            // SAFETY: a prepared, bound statement of this connection.
            match unsafe { ffi::sqlite3_step(statement) } {
                ffi::SQLITE_ROW => {
                    if let Some(read) = read.take() {
                        first = Some(read(&row));
                    }
                }
                ffi::SQLITE_DONE => {
                    // SAFETY: an open connection.
                    let changed = unsafe { ffi::sqlite3_changes(db.as_ptr()) };
                    break Ok((first, changed.max(0) as u64));
                }
                rc => break Err(error(db, rc)),
            }
        };
        // SAFETY: as above; resetting ends the statement's work so the next run starts afresh.
        unsafe {
            ffi::sqlite3_reset(statement);
            ffi::sqlite3_clear_bindings(statement);
        }
        outcome
    }

    fn prepare(&mut self, sql: &str) -> StoreResult<&Prepared> {
        if !self.statements.contains_key(sql) {
            let prepared = prepare(self.db, sql)?;
            self.statements.insert(sql.to_string(), prepared);
        }
        Ok(&self.statements[sql])
    }
}

impl Drop for DirectConnection<'_> {
    fn drop(&mut self) {
        for prepared in self.statements.values() {
            // SAFETY: each statement was prepared on this connection and is finalized once,
            // while the connection is still locked to this value.
            unsafe { ffi::sqlite3_finalize(prepared.statement.as_ptr()) };
        }
    }
}

fn prepare(db: NonNull<ffi::sqlite3>, sql: &str) -> StoreResult<Prepared> {
    let mut statement = ptr::null_mut();
    // SAFETY: an open connection; the text is passed with its length, so needs no NUL.
    let rc = unsafe {
        ffi::sqlite3_prepare_v3(
            db.as_ptr(),
            sql.as_ptr().cast(),
            sql.len() as c_int,
            ffi::SQLITE_PREPARE_PERSISTENT,
            &mut statement,
            ptr::null_mut(),
        )
    };
    let Some(statement) = NonNull::new(statement).filter(|_| rc == ffi::SQLITE_OK) else {
        return Err(error(db, rc));
    };
    // SAFETY: a prepared statement; parameter names are owned by it.
    let count = unsafe { ffi::sqlite3_bind_parameter_count(statement.as_ptr()) };
    let mut arguments = Vec::with_capacity(count as usize);
    for parameter in 1..=count {
        // SAFETY: as above.
        let name = unsafe { ffi::sqlite3_bind_parameter_name(statement.as_ptr(), parameter) };
        let number = (!name.is_null())
            // SAFETY: a NUL-terminated name owned by the statement.
            .then(|| unsafe { CStr::from_ptr(name) }.to_str().ok())
            .flatten()
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|number| number.parse::<usize>().ok())
            .filter(|number| *number >= 1);
        match number {
            Some(number) => arguments.push(number - 1),
            None => {
                // SAFETY: finalized once, never used again.
                unsafe { ffi::sqlite3_finalize(statement.as_ptr()) };
                return Err(StoreError::Sqlite {
                    code: ffi::SQLITE_MISUSE,
                    message: format!("parameters are written $1, $2, ...: {sql}"),
                });
            }
        }
    }
    Ok(Prepared {
        statement,
        arguments,
    })
}

fn error(db: NonNull<ffi::sqlite3>, rc: c_int) -> StoreError {
    // SAFETY: an open connection; the message is copied before the next call on it.
    let (code, message) = unsafe {
        (
            ffi::sqlite3_extended_errcode(db.as_ptr()),
            CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr()))
                .to_string_lossy()
                .into_owned(),
        )
    };
    if code == ffi::SQLITE_CONSTRAINT_UNIQUE || code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY {
        return StoreError::Conflict;
    }
    let code = if code == ffi::SQLITE_OK { rc } else { code };
    StoreError::Sqlite { code, message }
}
