//! The one place the live paths name the session, store, audio, ASR and TTS
//! pieces (all merged now), so a swap stays a one-line change.

pub use crate::asr::Recognizer;
pub use crate::audio::{EndpointConfig, Endpointer};
pub use crate::dialogue::Outcome;
pub use crate::session::{Session, Turn};
pub use crate::store::{CallRecord, Reservation, Store};
pub use crate::tts;
