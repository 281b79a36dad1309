//! The one place the live paths name the session, store, audio, ASR and TTS
//! pieces, so a stand-in can be swapped for the real thing in one line.

pub use super::standin::asr::Recognizer;
pub use crate::audio::{resample, EndpointConfig, Endpointer, Utterance};
pub use crate::dialogue::Outcome;
pub use crate::session::{Session, Turn};
pub use crate::store::{CallRecord, Reservation, Store};
pub use crate::tts;
