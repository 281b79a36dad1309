//! The one place the live paths name the session, store, audio, ASR and TTS
//! pieces. Each line points at a stand-in until its branch is merged.

pub use super::standin::asr::Recognizer;
pub use crate::audio::{resample, EndpointConfig, Endpointer, Utterance};
pub use super::standin::session::{Outcome, Session, Turn};
pub use crate::store::{CallRecord, Reservation, Store};
pub use super::standin::tts;
