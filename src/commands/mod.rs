//! One module per subcommand of the `yoyaku` binary.

pub mod bench;
pub mod common;
pub mod chat;
pub mod extract;
pub mod simulate;
pub mod serve;
pub mod kiosk;
pub mod bench_asr;
pub mod model;
pub mod transcribe;
