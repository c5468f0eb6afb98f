//! Where bank files come from: the copy embedded in the binary, and directories on disk that
//! override whole packs (a pack directory with its own exam.toml) or add items to a pack.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_banks.rs"));

/// One TOML file of a pack.
#[derive(Debug, Clone)]
pub struct BankFile {
    /// The pack (exam id) is the name of the directory holding the file.
    pub pack: String,
    /// The file name inside the pack, e.g. `exam.toml`.
    pub name: String,
    /// The path shown in messages.
    pub display: String,
    pub text: String,
    /// Built into the binary from questions/ (as opposed to a directory read at run time).
    pub shipped: bool,
}

impl BankFile {
    pub fn is_blueprint(&self) -> bool {
        self.name == "exam.toml"
    }
}

/// The banks shipped inside the binary (built from questions/ at compile time).
pub fn embedded_files() -> Vec<BankFile> {
    EMBEDDED_BANK_FILES
        .iter()
        .filter_map(|(relative, text)| {
            let (pack, name) = relative.split_once('/')?;
            Some(BankFile {
                pack: pack.to_string(),
                name: name.to_string(),
                display: format!("questions/{relative}"),
                text: text.to_string(),
                shipped: true,
            })
        })
        .collect()
}

/// The shipped list of services whose availability changed (questions/service-status.toml), as
/// (path shown in messages, contents).
pub fn embedded_service_status() -> Option<(&'static str, &'static str)> {
    EMBEDDED_BANK_FILES
        .iter()
        .find(|(relative, _)| *relative == SERVICE_STATUS_FILE)
        .map(|(_, text)| ("questions/service-status.toml", *text))
}

/// Lives beside the packs, not in one: it applies to every exam.
pub const SERVICE_STATUS_FILE: &str = "service-status.toml";

/// Reads `<root>/<pack>/*.toml`. Files directly under root or deeper than one level are ignored,
/// as are non-TOML files (READMEs, notes).
pub fn read_dir(root: &Path) -> io::Result<Vec<BankFile>> {
    let mut files = Vec::new();
    for pack_entry in std::fs::read_dir(root)? {
        let pack_path = pack_entry?.path();
        if !pack_path.is_dir() {
            continue;
        }
        let pack = pack_path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for entry in std::fs::read_dir(&pack_path)? {
            let path = entry?.path();
            if path.is_file() && path.extension().is_some_and(|ext| ext == "toml") {
                files.push(BankFile {
                    pack: pack.clone(),
                    name: path
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string(),
                    display: path.display().to_string(),
                    text: std::fs::read_to_string(&path)?,
                    shipped: false,
                });
            }
        }
    }
    files.sort_by(|a, b| (&a.pack, &a.name).cmp(&(&b.pack, &b.name)));
    Ok(files)
}

/// Lays `overlay` over `base`: a pack the overlay gives an exam.toml replaces the base pack whole;
/// other overlay files join the base pack of the same name (a same-named file replaces it).
pub fn layer(base: Vec<BankFile>, overlay: Vec<BankFile>) -> Vec<BankFile> {
    let replaced: Vec<String> = overlay
        .iter()
        .filter(|f| f.is_blueprint())
        .map(|f| f.pack.clone())
        .collect();
    let mut by_key: BTreeMap<(String, String), BankFile> = base
        .into_iter()
        .filter(|file| !replaced.contains(&file.pack))
        .map(|file| ((file.pack.clone(), file.name.clone()), file))
        .collect();
    for file in overlay {
        by_key.insert((file.pack.clone(), file.name.clone()), file);
    }
    by_key.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(pack: &str, name: &str) -> BankFile {
        BankFile {
            pack: pack.into(),
            name: name.into(),
            display: format!("{pack}/{name}"),
            text: String::new(),
            shipped: false,
        }
    }

    #[test]
    fn the_shipped_banks_are_embedded() {
        let files = embedded_files();
        for pack in ["aif-c01", "mla-c01", "aip-c01"] {
            assert!(
                files.iter().any(|f| f.pack == pack && f.is_blueprint()),
                "{pack}"
            );
        }
    }

    #[test]
    fn the_service_status_list_is_embedded_but_is_no_pack() {
        assert!(embedded_service_status().is_some());
        assert!(embedded_files()
            .iter()
            .all(|f| f.name != SERVICE_STATUS_FILE));
    }

    #[test]
    fn an_overlay_blueprint_replaces_the_pack_and_loose_files_join_it() {
        let base = vec![
            file("a", "exam.toml"),
            file("a", "x.toml"),
            file("b", "exam.toml"),
        ];
        let overlay = vec![file("a", "exam.toml"), file("b", "extra.toml")];
        let names: Vec<_> = layer(base, overlay)
            .into_iter()
            .map(|f| format!("{}/{}", f.pack, f.name))
            .collect();
        assert_eq!(names, ["a/exam.toml", "b/exam.toml", "b/extra.toml"]);
    }
}
