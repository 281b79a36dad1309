//! Runs a synthesiser program: finds it, feeds the text on stdin, waits, and turns every
//! way it can fail into one line that says what to install or fix.

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Resolves `program` (a bare name looked up on PATH, or a path) to an executable file.
/// `package` is the Debian package to name when it is missing.
pub fn locate(program: &OsStr, package: &str) -> Result<PathBuf> {
    which::which(program).map_err(|_| {
        anyhow::anyhow!(
            "speech synthesiser {} not found; install the Debian package {package} \
             (or run {})",
            Path::new(program).display(),
            super::INSTALL_HINT
        )
    })
}

/// Checks that a data file or folder the engine needs is there.
pub fn require(path: &Path, what: &str, package: &str) -> Result<()> {
    if !path.exists() {
        bail!(
            "{what} {} not found; install the Debian package {package} (or run {})",
            path.display(),
            super::INSTALL_HINT
        );
    }
    Ok(())
}

/// Runs `program args…` with `input` on stdin; succeeds only on exit status 0.
/// stderr is kept for the error message (engines explain there why text was refused).
pub fn run(program: &Path, args: &[&OsStr], input: &str) -> Result<()> {
    let name = program.display();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| {
            format!(
                "cannot start {name}; is it installed? (see {})",
                super::INSTALL_HINT
            )
        })?;
    // Write on this thread: a line of speech is far smaller than a pipe buffer, and the
    // engines read all input before writing anything big.
    if let Some(mut stdin) = child.stdin.take() {
        // A closed pipe means the program exited early; its status tells why.
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child
        .wait_with_output()
        .with_context(|| format!("{name} did not finish"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = stderr
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no message");
        bail!(
            "{name} could not speak {:?} ({}): {reason}",
            short(input),
            out.status
        );
    }
    Ok(())
}

/// The first few dozen characters of `text`, for error messages.
pub fn short(text: &str) -> String {
    const MAX: usize = 40;
    let mut s: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        s.push('…');
    }
    s
}

/// Rejects engine output that holds no speech (an engine that "succeeds" on text it
/// cannot read may write an empty or silent file) and trims the silence around it.
pub fn checked(audio: super::Audio, text: &str) -> Result<super::Audio> {
    // About -50 dBFS: quieter than any speech the engines make, louder than dither.
    const SILENT_PEAK: i32 = 100;
    let peak = audio
        .samples
        .iter()
        .map(|&s| (s as i32).abs())
        .max()
        .unwrap_or(0);
    if audio.sample_rate == 0 || peak < SILENT_PEAK {
        bail!(
            "the synthesiser made no sound for {:?}; is it text in the right language?",
            short(text)
        );
    }
    Ok(super::trim_silence(audio, super::LEAD_MS, super::TAIL_MS))
}
