//! `sahelsim verify DIR`: check an output folder against its `manifest.json` (every file
//! listed, with its size and SHA-256, and no other); exit status 1 with what differs.

use anyhow::anyhow;

use super::VerifyArgs;
use crate::record::folder::{self, Holder, MANIFEST};

pub(super) fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let dir = &args.dir;
    let writing = match Holder::read(&folder::lock_path(dir)) {
        Ok(Some(Some(h))) if h.alive() != Some(false) => format!(
            " (process {} is writing it now: check again when it has finished)",
            h.pid
        ),
        _ => String::new(),
    };
    let v = folder::verify(dir).map_err(|e| anyhow!("{e}{writing}"))?;
    if v.is_ok() {
        println!("{}: OK, {} files match {MANIFEST}", dir.display(), v.listed);
        return Ok(());
    }
    let mut text = format!("{}: does not match its {MANIFEST}{writing}:", dir.display());
    for f in &v.missing {
        text.push_str(&format!("\n  missing: {f} (listed, not in the folder)"));
    }
    for (f, why) in &v.changed {
        text.push_str(&format!("\n  changed: {f} ({why})"));
    }
    for f in &v.extra {
        text.push_str(&format!("\n  extra:   {f} (in the folder, not listed)"));
    }
    Err(anyhow!(text))
}
