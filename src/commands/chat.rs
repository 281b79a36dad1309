//! `yoyaku chat`: the dialogue over typed turns, for staff trying the agent
//! without a microphone. One line typed is one caller turn.

use super::common::{now_or, CallArgs};
use crate::extract::Source;
use crate::session::Session;
use crate::store::Store;
use anyhow::Result;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    call: CallArgs,
    /// Reservation book (default: the documented default path; see README).
    #[arg(long)]
    store: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let (profile, lang) = a.call.profile_and_lang()?;
    let fixed_now = a.call.now.clone();
    let now = || now_or(fixed_now.as_deref(), &profile);
    let path = a.store.clone().unwrap_or_else(Store::default_path);
    let mut store = Store::open(&path)?;
    eprintln!("(book: {}; type the caller's words, an empty line or Ctrl-D hangs up)", path.display());
    let (mut session, greeting) = Session::start(profile.clone(), &lang, a.call.caller_id.clone(), None, &store, now()?)?;
    println!("agent> {greeting}");
    let stdin = std::io::stdin();
    loop {
        print!("you> ");
        std::io::stdout().flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let turn = session.turn(line.trim(), Source::Typed, now()?, &mut store)?;
        println!("agent> {}", turn.reply);
        if turn.ended {
            break;
        }
    }
    println!("(call ended: {})", session.reason());
    Ok(())
}
